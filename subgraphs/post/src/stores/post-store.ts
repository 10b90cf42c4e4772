/** A post as stored. Ids are `newId()` ObjectIds, so ordering by id is ordering by creation time. */
export interface PostRecord {
  id: string;
  authorId: string;
  /** Already trimmed and length-checked by the caller. */
  text: string;
  createdAt: Date;
  /** Set once when the author deletes the post; a deleted post is never returned by any read. */
  deletedAt: Date | null;
}

export interface NewPost {
  authorId: string;
  text: string;
}

/**
 * Where posts live. Every read skips deleted posts; deletion is soft so the feed's fan-out can still
 * learn which post to remove from timelines. Ids that are not 24-hex ObjectIds simply match nothing.
 */
export interface PostStore {
  /** Inserts one post with a fresh id; the single write of publishing a post. */
  create(post: NewPost): Promise<PostRecord>;
  /** The live posts among `ids`, in any order; unknown, deleted and malformed ids are left out. */
  findByIds(ids: readonly string[]): Promise<PostRecord[]>;
  findById(id: string): Promise<PostRecord | null>;
  /** One author's live posts, newest first, strictly older than `beforeId` when given. */
  listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]>;
  /** Ids of live posts by any of `authorIds`, newest first, strictly older than `beforeId` when given. */
  recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]>;
  /**
   * Marks a live post deleted and returns it (with `deletedAt` set), or null when it is unknown or
   * already deleted. Of any number of concurrent deletes of one post exactly one gets it back.
   */
  softDelete(id: string): Promise<PostRecord | null>;
}
