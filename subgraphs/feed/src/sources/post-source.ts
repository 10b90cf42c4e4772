/** Which posts exist, as the post subgraph knows them. */
export interface PostSource {
  /**
   * Ids of the newest `limit` non-deleted posts written by any of `authorIds`, newest first, all older
   * than the post `before` (null: no bound). Asked for on `viewerId`'s behalf.
   */
  recentPostIds(query: RecentPostsQuery, viewerId: string): Promise<string[]>;
}

export interface RecentPostsQuery {
  authorIds: string[];
  limit: number;
  before: string | null;
}
