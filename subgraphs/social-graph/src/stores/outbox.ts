import type { EventPayload } from '@social/events';

/** The events this subgraph produces (all of them go through the outbox). */
export type GraphSubject = 'user.followed' | 'user.unfollowed' | 'user.blocked' | 'user.unblocked' | 'user.vip-changed';

/**
 * One event waiting to be published, written in the same transaction as the graph change it
 * describes. `id` is the event id: the relay publishes with it as the JetStream message id, so a
 * record published twice (a crash after the PubAck, before the delete) is stored once.
 */
export type OutboxRecord = {
  [S in GraphSubject]: { id: string; subject: S; payload: EventPayload<S>; createdAt: Date };
}[GraphSubject];

/**
 * The transactional outbox's read side, used by the relay. Records are written by the FollowGraph's
 * writes (never on their own), read oldest first, and deleted once published.
 */
export interface OutboxStore {
  /** The oldest pending records (createdAt, then id), at most `limit`. */
  pending(limit: number): Promise<OutboxRecord[]>;
  /** Deletes published records; unknown ids are ignored (another relay got there first). */
  remove(ids: readonly string[]): Promise<void>;
}

/** Oldest first; ids (time-ordered, with a per-process counter) order the events of one transaction. */
export function compareOldestFirst(a: OutboxRecord, b: OutboxRecord): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function outboxRecord<S extends GraphSubject>(
  id: string,
  subject: S,
  payload: EventPayload<S>,
  createdAt = new Date(),
): OutboxRecord {
  return { id, subject, payload, createdAt } as OutboxRecord;
}
