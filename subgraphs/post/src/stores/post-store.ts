import type { OutboxItem, OutboxSource } from '../outbox/outbox';

/** The counts as last flushed to the database (the write-behind store holds what is not flushed yet). */
export interface StoredCounts {
  likes: number;
  comments: number;
  views: number;
}

export const ZERO_COUNTS: StoredCounts = { likes: 0, comments: 0, views: 0 };

/** A post as stored. Ids are `newId()` ObjectIds, so ordering by id is ordering by creation time. */
export interface PostRecord {
  id: string;
  authorId: string;
  /** Already trimmed and length-checked by the caller. */
  text: string;
  createdAt: Date;
  /** Set once when the author deletes the post; a deleted post is never returned by any read. */
  deletedAt: Date | null;
  /** Ids of the people the text @mentions (existing accounts only, without the author). */
  mentions: string[];
  counts: StoredCounts;
  /** The last counter flush applied to this post: what makes re-applying a flush a no-op. */
  lastFlushId: string | null;
}

export interface NewPost {
  authorId: string;
  text: string;
  mentions?: string[];
  /** Effects to run after the insert (post.created, user.mentioned), stored with the post; given the new record. */
  outbox?: (post: PostRecord) => OutboxItem[];
}

/** Counter changes for one flush: post id to the amount to add to each count. */
export type CountDeltas = Map<string, Partial<StoredCounts>>;

/** What the counter reader and the reconciler need: stored counts, deleted posts included. */
export interface PostCountsRow {
  id: string;
  counts: StoredCounts;
  lastFlushId: string | null;
}

/**
 * Where posts live. Every read skips deleted posts; deletion is soft so the feed's fan-out can still
 * learn which post to remove from timelines. Ids that are not 24-hex ObjectIds simply match nothing.
 */
export interface PostStore {
  /** Inserts one post with a fresh id and its outbox items; the single write of publishing a post. */
  create(post: NewPost): Promise<PostRecord>;
  /** The live posts among `ids`, in any order; unknown, deleted and malformed ids are left out. */
  findByIds(ids: readonly string[]): Promise<PostRecord[]>;
  findById(id: string): Promise<PostRecord | null>;
  /**
   * Which of `ids` are live posts, in the order given (duplicates kept). One `_id` lookup per id on
   * FerretDB (cheaper there than one `$in`, which decodes every document), one `$in` on MongoDB.
   */
  liveIds(ids: readonly string[]): Promise<string[]>;
  /** One author's live posts, newest first, strictly older than `beforeId` when given. */
  listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]>;
  /** Ids of live posts by any of `authorIds`, newest first, strictly older than `beforeId` when given. */
  recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]>;
  /**
   * Marks a live post deleted and returns it (with `deletedAt` set), or null when it is unknown or
   * already deleted. Of any number of concurrent deletes of one post exactly one gets it back, and
   * only the winner's `outbox` items are stored (on the deletion claim).
   */
  softDelete(id: string, outbox?: OutboxItem[]): Promise<PostRecord | null>;

  /** Stored counts of the given posts, deleted ones included; unknown ids are left out. */
  findCounts(ids: readonly string[]): Promise<PostCountsRow[]>;
  /**
   * Adds one flush's deltas in ONE batched write. Idempotent per `flushId`: a post whose
   * `lastFlushId` already is `flushId` is skipped, so re-applying a flush after a crash counts
   * nothing twice. Callers apply flushes one at a time (the flush lock), which is what makes
   * remembering only the last one enough. Unknown post ids are ignored.
   */
  applyCounterFlush(flushId: string, deltas: CountDeltas): Promise<void>;
  /** Adds a correction computed by the reconciler (not a flush: it does not touch lastFlushId). */
  adjustCounts(id: string, delta: Partial<StoredCounts>): Promise<void>;

  /** The collections whose documents carry outbox items (posts, deletion claims). */
  outboxSources(): OutboxSource[];
}
