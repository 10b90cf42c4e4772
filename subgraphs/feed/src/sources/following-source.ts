/** Who the viewer follows, as the social graph knows it. */
export interface FollowingSource {
  /** Ids of up to `limit` people `viewerId` follows, asked for on the viewer's behalf. */
  followingIds(viewerId: string, limit: number): Promise<string[]>;
}
