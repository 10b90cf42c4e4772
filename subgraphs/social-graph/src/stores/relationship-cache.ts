import type { FollowEdge, FollowStats } from './follow-graph';

/**
 * Hot relationship data in front of the graph: follower/following counts (with the VIP flag, which
 * changes only with them), the follower lists of large accounts, and each person's list of followed
 * VIPs. Two implementations behind one contract suite: MemoryRelationshipCache and
 * RedisRelationshipCache.
 *
 * Why counts cannot drift from the graph: the cache never holds a count it computed itself. It
 * only holds snapshots read from the graph, stamped with the person's generation number, and a
 * change never edits a cached value; it bumps the generation (`invalidate`), which makes every
 * snapshot taken before it unusable. So:
 *  - a read racing a write cannot store a stale value for long: the reader takes the generation
 *    BEFORE it reads the graph, so a snapshot read before the write's commit carries the old
 *    generation and is refused once the write (committed first, invalidated second) bumps it;
 *  - a crash between the graph commit and the bump leaves a stale snapshot only until the outbox
 *    relay publishes that write's event, which bumps the same generations again (the record was
 *    committed with the write, so it survives the crash), and at worst until the entry's TTL.
 * The followed-VIP lists also carry a global VIP epoch: any VIP status change bumps it, invalidating
 * every list at once (rare by design: see vip.ts) instead of the lists of all of the VIP's followers.
 */
export interface Cached<T> {
  /** The cached value, or null on a miss (absent, expired or from an older generation). */
  value: T | null;
  /** The generation seen by this read: pass it back to `set*` after reading the graph. */
  token: string;
}

export interface Invalidation {
  /** People whose counts, follower list or followed-VIP list may have changed. */
  users: readonly string[];
  /** True when some account's VIP status changed (every followed-VIP list may be stale). */
  vipStatus: boolean;
}

export interface StatsEntry {
  userId: string;
  token: string;
  value: FollowStats;
}

export interface RelationshipCache {
  getStats(userIds: readonly string[]): Promise<Map<string, Cached<FollowStats>>>;
  setStats(entries: readonly StatsEntry[]): Promise<void>;
  /** A whole follower list, newest first (only large accounts are cached: see LARGE_ACCOUNT_FOLLOWERS). */
  getFollowerList(userId: string): Promise<Cached<FollowEdge[]>>;
  setFollowerList(userId: string, token: string, edges: readonly FollowEdge[]): Promise<void>;
  getFollowedVips(userId: string): Promise<Cached<string[]>>;
  setFollowedVips(userId: string, token: string, ids: readonly string[]): Promise<void>;
  /** Makes every snapshot of these people (and, with vipStatus, every followed-VIP list) a miss. */
  invalidate(change: Invalidation): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CACHE_TTL_MS = 60_000; // the longest a missed invalidation can show a stale count (the relay usually heals it in ms)
/**
 * Generations must outlive every entry stamped with them: were one to expire while an entry with the
 * same number still lived, a stale entry could look current again. A day is far beyond any entry TTL.
 */
export const GENERATION_TTL_MS = 24 * 3600_000;
