import { newId } from '@social/kit';
import type { EventPayload, Subject } from '@social/events';

/**
 * The outbox without transactions: a write that must be followed by effects (a durable event, a
 * counter change) stores those effects as `outbox` items IN THE SAME insert as the change itself,
 * so the document and its pending effects exist together or not at all. After the effects are done
 * the items are removed; a relay re-runs whatever a crash left behind. Each item has an id that makes
 * its effect idempotent: the event's Nats-Msg-Id (the stream drops a duplicate inside its window),
 * or the counter's dedupe marker in Redis.
 */
export interface EventItem<S extends Subject = Subject> {
  id: string;
  kind: 'event';
  subject: S;
  data: EventPayload<S>;
}

/** Counters kept by the write-behind store. Views have no outbox item: they are approximate. */
export type CountedField = 'likes' | 'comments';

export interface CountItem {
  id: string;
  kind: 'count';
  postId: string;
  field: CountedField;
  by: 1 | -1;
}

export type OutboxItem = EventItem | CountItem;

/** A document with pending outbox items. */
export interface OutboxDoc {
  id: string;
  items: OutboxItem[];
}

/** One collection (or memory table) whose documents carry outbox items. */
export interface OutboxSource {
  readonly name: string;
  /** Documents whose items were written before `olderThan` and are still pending, oldest first. */
  pending(olderThan: Date, limit: number): Promise<OutboxDoc[]>;
  /** Keeps only `remaining` as the document's pending items (none: the document is settled). */
  settle(docId: string, remaining: OutboxItem[]): Promise<void>;
  /**
   * Finishes the change the items describe when a crash interrupted it after the claim was written
   * (e.g. the like a removal claim names is still there). Idempotent.
   */
  complete?(docId: string): Promise<void>;
}

export function eventItem<S extends Subject>(subject: S, data: EventPayload<S>): EventItem<S> {
  return { id: newId(), kind: 'event', subject, data };
}

export function countItem(postId: string, field: CountedField, by: 1 | -1): CountItem {
  return { id: newId(), kind: 'count', postId, field, by };
}
