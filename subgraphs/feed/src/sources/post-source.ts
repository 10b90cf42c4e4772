/** The post subgraph's `_livePostIds` cap. */
export const MAX_LIVE_POST_IDS = 100;

/** Which posts exist, as the post subgraph knows them. */
export interface PostSource {
  /**
   * Ids of the newest `limit` non-deleted posts written by any of `authorIds`, newest first, all older
   * than the post `before` (null: no bound). Asked for on `viewerId`'s behalf.
   */
  recentPostIds(query: RecentPostsQuery, viewerId: string): Promise<string[]>;
  /**
   * Which of `ids` (at most MAX_LIVE_POST_IDS) still exist and are not deleted, in the order given.
   * Stored timelines ask it per page: a post deleted a moment ago is still listed until the feed
   * consumes post.deleted, and its `node` would resolve to null.
   */
  livePostIds(ids: string[], viewerId: string): Promise<string[]>;
}

export interface RecentPostsQuery {
  authorIds: string[];
  limit: number;
  before: string | null;
}
