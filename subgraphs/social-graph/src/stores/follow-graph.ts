/**
 * Who follows whom. Two implementations behind one contract suite (follow-graph.contract.ts):
 * MemoryFollowGraph (embedded default, unit tests) and Neo4jFollowGraph.
 *
 * Lists are newest follow first and paged with a keyset on (followedAt, userId): a page starts
 * strictly after the last row of the previous one, so follows made while someone pages land above
 * the cursor and never shift later pages (no skip, no repeat).
 */
export interface FollowEdge {
  /** The other person: the follower in a followers list, the followee in a following list. */
  userId: string;
  followedAt: Date;
}

/** A position in a list: the (followedAt, userId) of the last row already seen. */
export type FollowPosition = FollowEdge;

export interface FollowPage {
  /** At most this many rows (callers ask one extra to learn whether another page exists). */
  limit: number;
  /** Start strictly after this position; absent for the first page. */
  after?: FollowPosition | null;
}

export interface FollowCounts {
  followers: number;
  following: number;
}

export interface FollowPair {
  followerId: string;
  followeeId: string;
}

export interface FollowGraph {
  /** Makes `followerId` follow `followeeId` at `at`; false when it already did (the original time is kept). */
  follow(followerId: string, followeeId: string, at: Date): Promise<boolean>;
  /** Removes the follow; false when there was none. */
  unfollow(followerId: string, followeeId: string): Promise<boolean>;
  /** People following `userId`, newest follow first. */
  followers(userId: string, page: FollowPage): Promise<FollowEdge[]>;
  /** People `userId` follows, newest follow first. */
  following(userId: string, page: FollowPage): Promise<FollowEdge[]>;
  /** Counts for many people in one call; every asked id is in the result (unknown ids count 0). */
  counts(userIds: readonly string[]): Promise<Map<string, FollowCounts>>;
  /** For each pair, in order, whether the follow exists. */
  isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]>;
  /** Ids `userId` follows, newest follow first, at most `limit`. */
  followingIds(userId: string, limit: number): Promise<string[]>;
  /** Throws when the store cannot serve (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Newest first, ties broken by the larger id first: the one order every implementation uses. */
export function compareNewestFirst(a: FollowEdge, b: FollowEdge): number {
  const byTime = b.followedAt.getTime() - a.followedAt.getTime();
  if (byTime !== 0) return byTime;
  return a.userId < b.userId ? 1 : a.userId > b.userId ? -1 : 0;
}

/** True when `edge` comes strictly after `position` in newest-first order. */
export function isAfter(edge: FollowEdge, position: FollowPosition | null | undefined): boolean {
  return !position || compareNewestFirst(position, edge) < 0;
}
