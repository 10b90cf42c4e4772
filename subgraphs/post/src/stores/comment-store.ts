import type { OutboxItem, OutboxSource } from '../outbox/outbox';

/** A comment as stored; the id is a `newId()`, so oldest first is a sort on it. */
export interface CommentRecord {
  id: string;
  postId: string;
  /** Kept with the comment: the post's author may delete it, and events name who to notify. */
  postAuthorId: string;
  authorId: string;
  /** Trimmed and length-checked by the caller. */
  text: string;
  /** Ids of the people the text @mentions (existing accounts only, without the author). */
  mentions: string[];
  createdAt: Date;
}

export interface NewComment {
  postId: string;
  postAuthorId: string;
  authorId: string;
  text: string;
  mentions: string[];
  /** Effects to run after the insert (comment.added, user.mentioned, the count), stored with it; given the new record. */
  outbox: (comment: CommentRecord) => OutboxItem[];
}

/**
 * Where comments live. A deletion is claimed by inserting a document keyed by the comment id (atomic
 * on FerretDB v1, unlike a conditional update), then the comment is removed; the claim carries the
 * comment.deleted event and the count decrement, so of racing deletes exactly one has effects.
 */
export interface CommentStore {
  create(comment: NewComment): Promise<CommentRecord>;
  findById(id: string): Promise<CommentRecord | null>;
  /** The comments among `ids` that exist, in any order; malformed ids are left out. */
  findByIds(ids: readonly string[]): Promise<CommentRecord[]>;
  /** Removes a comment and stores `outbox` with the claim; null when unknown or deleted first by another. */
  delete(id: string, outbox: OutboxItem[]): Promise<CommentRecord | null>;
  /** One post's comments, oldest first, strictly newer than the comment `afterId` when given. */
  listByPost(postId: string, limit: number, afterId?: string | null): Promise<CommentRecord[]>;
  /** The exact number of comments on a post (the reconciler's source of truth). */
  countByPost(postId: string): Promise<number>;
  /** Posts commented on, or whose comments were deleted, since `since` (at most `limit`). */
  postIdsTouchedSince(since: Date, limit: number): Promise<string[]>;
  outboxSources(): OutboxSource[];
}
