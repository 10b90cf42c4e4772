import type { Logger } from '@social/kit';
import {
  compareNewestFirst,
  type FollowEdge,
  type FollowGraph,
  type FollowPosition,
  type FollowStats,
  type WriteOutcome,
} from '../stores/follow-graph';
import type { Cached, RelationshipCache } from '../stores/relationship-cache';
import { invalidationFor } from './invalidation';
import { throttled } from './timeouts';

/**
 * From this many followers an account's whole follower list is cached: below it one Neo4j read of the
 * list is about as cheap as a Redis read, above it the fan-out reads the same list for every post.
 */
export const LARGE_ACCOUNT_FOLLOWERS = 1_000;
/** Above this the list is read from Neo4j page by page instead: one cache entry would be megabytes. */
export const MAX_CACHED_FOLLOWER_LIST = 50_000;
/** Followed VIPs returned (and cached) per person; the feed merges this many recent-post sets at most. */
export const MAX_FOLLOWED_VIPS = 5_000;

export interface RelationshipsDeps {
  graph: FollowGraph;
  cache: RelationshipCache;
  logger: Logger;
  /** Called after a write committed events (the outbox relay's kick). */
  onEvents: () => void;
}

/**
 * The write path and the cached reads of the social graph.
 * Writes: graph transaction (with its outbox records) -> cache invalidation -> relay kick. The cache is
 * invalidated only after the commit, never before, so no reader can refill it from the old graph
 * state once the invalidation has run (see relationship-cache.ts for the whole argument).
 * Reads: cache first; on a miss the graph, then the cache is filled with the generation read first.
 * A cache that fails is skipped (logged, throttled): the graph answers alone.
 */
export class Relationships {
  private readonly warn: (err: unknown, what: string) => void;

  constructor(private readonly d: RelationshipsDeps) {
    this.warn = throttled(10_000, (err, what) => d.logger.warn({ err }, `relationship cache: ${what} failed; using the graph`));
  }

  get graph(): FollowGraph {
    return this.d.graph;
  }

  follow(followerId: string, followeeId: string) {
    return this.committed(this.d.graph.follow(followerId, followeeId, new Date()));
  }

  unfollow(followerId: string, followeeId: string) {
    return this.committed(this.d.graph.unfollow(followerId, followeeId));
  }

  block(blockerId: string, blockedId: string) {
    return this.committed(this.d.graph.block(blockerId, blockedId, new Date()));
  }

  unblock(blockerId: string, blockedId: string) {
    return this.committed(this.d.graph.unblock(blockerId, blockedId));
  }

  /** Counts and VIP flags, from the cache where it has them. */
  async stats(userIds: readonly string[]): Promise<Map<string, FollowStats>> {
    const cached = await this.tryCache(() => this.d.cache.getStats(userIds), 'reading counts');
    if (!cached) return this.d.graph.stats(userIds);
    const result = new Map<string, FollowStats>();
    const misses: string[] = [];
    for (const id of userIds) {
      const hit = cached.get(id)?.value;
      if (hit) result.set(id, hit);
      else misses.push(id);
    }
    if (misses.length === 0) return result;
    const fresh = await this.d.graph.stats(misses);
    for (const [id, value] of fresh) result.set(id, value);
    await this.tryCache(
      () => this.d.cache.setStats(misses.map((id) => ({ userId: id, token: cached.get(id)!.token, value: fresh.get(id)! }))),
      'storing counts',
    );
    return result;
  }

  /** The VIPs `userId` follows (for the feed's pull of VIP posts). */
  async followedVipIds(userId: string): Promise<string[]> {
    return this.readThrough(
      () => this.d.cache.getFollowedVips(userId),
      () => this.d.graph.followedVipIds(userId, MAX_FOLLOWED_VIPS),
      (token, ids) => this.d.cache.setFollowedVips(userId, token, ids),
      'followed VIPs',
    );
  }

  /** A page of followers; a large account's list is served from its cached copy. */
  async followers(userId: string, limit: number, after: FollowPosition | null): Promise<FollowEdge[]> {
    const { followers } = (await this.stats([userId])).get(userId)!;
    if (followers < LARGE_ACCOUNT_FOLLOWERS || followers > MAX_CACHED_FOLLOWER_LIST) {
      return this.d.graph.followers(userId, { limit, after });
    }
    const list = await this.readThrough(
      () => this.d.cache.getFollowerList(userId),
      () => this.d.graph.followers(userId, { limit: MAX_CACHED_FOLLOWER_LIST }),
      (token, edges) => this.d.cache.setFollowerList(userId, token, edges),
      'follower list',
    );
    const start = after ? firstAfter(list, after) : 0;
    return list.slice(start, start + limit);
  }

  /** After a commit: make the cache forget what changed, then let the relay publish the events. */
  private async committed<R extends WriteOutcome>(write: Promise<R>): Promise<R> {
    const outcome = await write;
    if (outcome.events.length > 0) {
      await this.tryCache(() => this.d.cache.invalidate(invalidationFor(outcome.events)), 'invalidating');
      this.d.onEvents();
    }
    return outcome;
  }

  private async readThrough<T>(
    get: () => Promise<Cached<T>>,
    load: () => Promise<T>,
    set: (token: string, value: T) => Promise<void>,
    what: string,
  ): Promise<T> {
    const cached = await this.tryCache(get, `reading ${what}`);
    if (cached?.value) return cached.value;
    const value = await load();
    if (cached) await this.tryCache(() => set(cached.token, value), `storing ${what}`);
    return value;
  }

  private async tryCache<T>(op: () => Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await op();
    } catch (err) {
      this.warn(err, what);
      return undefined;
    }
  }
}

/** Index of the first edge strictly after `position` in a newest-first list (binary search). */
export function firstAfter(list: readonly FollowEdge[], position: FollowPosition): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNewestFirst(list[mid]!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
