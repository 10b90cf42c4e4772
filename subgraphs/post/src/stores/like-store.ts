import type { OutboxItem, OutboxSource } from '../outbox/outbox';

/** One person's like of one post. The id is a `newId()`, so newest first is a sort on it. */
export interface LikeRecord {
  id: string;
  postId: string;
  userId: string;
  createdAt: Date;
}

export interface LikeResult {
  /** False when this person already liked the post (liking twice is one like). */
  created: boolean;
  like: LikeRecord;
}

/**
 * Who likes what. Unique per (post, person), decided by a unique index, because a unique insert is
 * atomic on FerretDB v1 where a conditional update is not. A like is a document (insert to like,
 * delete to unlike); a removal is claimed by inserting a document keyed by the like's id, so of two
 * racing unlikes exactly one decrements the count and publishes post.unliked.
 */
export interface LikeStore {
  /** Inserts the like with its outbox items; when it already exists nothing is written. */
  like(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeResult>;
  /**
   * Removes this person's like of the post, storing `outbox` with the removal claim. Returns the
   * removed like, or null when there was none (or a concurrent unlike removed it first).
   */
  unlike(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeRecord | null>;
  /** The ids among `postIds` that `userId` likes. */
  likedAmong(userId: string, postIds: readonly string[]): Promise<Set<string>>;
  /** Likes of one post, newest first, strictly older than the like `beforeId` when given. */
  listByPost(postId: string, limit: number, beforeId?: string | null): Promise<LikeRecord[]>;
  /** The exact number of likes of a post (the reconciler's source of truth). */
  countByPost(postId: string): Promise<number>;
  /** Posts liked or unliked since `since` (at most `limit`), for the reconciler. */
  postIdsTouchedSince(since: Date, limit: number): Promise<string[]>;
  /** The collections carrying outbox items (likes, removal claims). */
  outboxSources(): OutboxSource[];
}
