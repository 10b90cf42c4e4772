/** What the fan-out and the hybrid read need from the social graph beyond the followee list. */
export interface FollowerSource {
  /** One page of the people following `userId` (most recent follow first); `after` is the previous page's endCursor. */
  followerPage(userId: string, first: number, after: string | null): Promise<FollowerPage>;
  /** Ids of the VIP accounts `userId` follows (their posts are pulled at read time, not pushed). */
  followedVipIds(userId: string): Promise<string[]>;
}

export interface FollowerPage {
  ids: string[];
  endCursor: string | null;
  hasNextPage: boolean;
}
