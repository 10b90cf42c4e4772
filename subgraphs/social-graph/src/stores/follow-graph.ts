import type { OutboxRecord } from './outbox';

/**
 * Who follows and who blocks whom. Two implementations behind one contract suite
 * (follow-graph.contract.ts): MemoryFollowGraph (embedded default, unit tests) and Neo4jFollowGraph.
 *
 * Every write is one transaction that also writes the events it causes into the outbox
 * (outbox.ts): the graph change and its events are committed together or not at all, and the
 * outbox relay publishes them afterwards. The same transaction keeps the VIP flag in step with the
 * follower count, so a status change is never missed or double-announced.
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

/** What a profile shows about a person's place in the graph. isVip changes only with `followers`. */
export interface FollowStats {
  followers: number;
  following: number;
  isVip: boolean;
}

export const NO_STATS: FollowStats = Object.freeze({ followers: 0, following: 0, isVip: false });

export interface FollowPair {
  followerId: string;
  followeeId: string;
}

export interface BlockPair {
  blockerId: string;
  blockedId: string;
}

/** The result of a write: whether anything changed, and the events committed with it. */
export interface WriteOutcome {
  changed: boolean;
  /** The outbox records written in the same transaction, in order (empty when nothing changed). */
  events: OutboxRecord[];
}

export interface FollowOutcome extends WriteOutcome {
  /** Set when a block forbids the follow (nothing was written): who blocked whom. */
  refused?: 'blocked-by-followee' | 'follower-blocks-followee';
}

export interface BlockOutcome extends WriteOutcome {
  /** Follows the block removed (0, 1 or 2: one each way). */
  removedFollows: FollowPair[];
}

/** Options every implementation takes. */
export interface FollowGraphOptions {
  /** Follower count at which an account becomes a VIP (see vip.ts for the way back). */
  vipThreshold: number;
  /** Event ids; tests inject a clash to prove a failed outbox write rolls the graph change back. */
  newEventId?: () => string;
}

export interface FollowGraph {
  /**
   * Makes `followerId` follow `followeeId` at `at`. `changed: false` when it already did (the original
   * time is kept); `refused` (and nothing written) when either has blocked the other.
   */
  follow(followerId: string, followeeId: string, at: Date): Promise<FollowOutcome>;
  /** Removes the follow; `changed: false` when there was none. */
  unfollow(followerId: string, followeeId: string): Promise<WriteOutcome>;
  /** Blocks, and removes any follow between the two, both ways, in the same transaction. */
  block(blockerId: string, blockedId: string, at: Date): Promise<BlockOutcome>;
  /** Removes the block (follows it removed stay removed). */
  unblock(blockerId: string, blockedId: string): Promise<WriteOutcome>;
  /** People following `userId`, newest follow first. */
  followers(userId: string, page: FollowPage): Promise<FollowEdge[]>;
  /** People `userId` follows, newest follow first. */
  following(userId: string, page: FollowPage): Promise<FollowEdge[]>;
  /** Stats for many people in one call; every asked id is in the result (unknown ids: NO_STATS). */
  stats(userIds: readonly string[]): Promise<Map<string, FollowStats>>;
  /** For each pair, in order, whether the follow exists. */
  isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]>;
  /** For each pair, in order, whether the block exists (directed: blocker -> blocked). */
  isBlocking(pairs: readonly BlockPair[]): Promise<boolean[]>;
  /** Ids `userId` follows, newest follow first, at most `limit`. */
  followingIds(userId: string, limit: number): Promise<string[]>;
  /** Ids of the VIP accounts `userId` follows (any order), at most `limit`. */
  followedVipIds(userId: string, limit: number): Promise<string[]>;
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
