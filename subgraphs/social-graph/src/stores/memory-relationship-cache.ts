import type { FollowEdge, FollowStats } from './follow-graph';
import { DEFAULT_CACHE_TTL_MS, type Cached, type Invalidation, type RelationshipCache, type StatsEntry } from './relationship-cache';

interface Entry<T> {
  token: string;
  value: T;
  expiresAt: number;
}

export interface MemoryCacheOptions {
  ttlMs?: number;
  /** Tests move time forward instead of sleeping. */
  now?: () => number;
}

/**
 * The cache of the embedded default (one process, no Redis) with the same generation semantics as
 * Redis. With several processes on one Neo4j, use Redis: each memory cache only sees its own
 * process's invalidations (the others would serve stale counts until the TTL).
 */
export class MemoryRelationshipCache implements RelationshipCache {
  private readonly gens = new Map<string, number>();
  private vipEpoch = 0;
  private readonly stats = new Map<string, Entry<FollowStats>>();
  private readonly followerLists = new Map<string, Entry<FollowEdge[]>>();
  private readonly vipLists = new Map<string, Entry<string[]>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: MemoryCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  async getStats(userIds: readonly string[]): Promise<Map<string, Cached<FollowStats>>> {
    return new Map(userIds.map((id) => [id, this.get(this.stats, id, this.gen(id))]));
  }

  async setStats(entries: readonly StatsEntry[]): Promise<void> {
    for (const e of entries) this.set(this.stats, e.userId, e.token, { ...e.value });
  }

  async getFollowerList(userId: string): Promise<Cached<FollowEdge[]>> {
    const hit = this.get(this.followerLists, userId, this.gen(userId));
    return { token: hit.token, value: hit.value?.map((e) => ({ ...e, followedAt: new Date(e.followedAt) })) ?? null };
  }

  async setFollowerList(userId: string, token: string, edges: readonly FollowEdge[]): Promise<void> {
    this.set(
      this.followerLists,
      userId,
      token,
      edges.map((e) => ({ ...e })),
    );
  }

  async getFollowedVips(userId: string): Promise<Cached<string[]>> {
    const hit = this.get(this.vipLists, userId, `${this.gen(userId)}.${this.vipEpoch}`);
    return { token: hit.token, value: hit.value ? [...hit.value] : null };
  }

  async setFollowedVips(userId: string, token: string, ids: readonly string[]): Promise<void> {
    this.set(this.vipLists, userId, token, [...ids]);
  }

  async invalidate(change: Invalidation): Promise<void> {
    for (const id of new Set(change.users)) this.gens.set(id, (this.gens.get(id) ?? 0) + 1);
    if (change.vipStatus) this.vipEpoch++;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private gen(id: string): string {
    return String(this.gens.get(id) ?? 0);
  }

  private get<T>(map: Map<string, Entry<T>>, id: string, token: string): Cached<T> {
    const entry = map.get(id);
    if (!entry || entry.expiresAt <= this.now() || entry.token !== token) return { token, value: null };
    return { token, value: entry.value };
  }

  private set<T>(map: Map<string, Entry<T>>, id: string, token: string, value: T): void {
    if (this.ttlMs <= 0) return; // the cache is off
    map.set(id, { token, value, expiresAt: this.now() + this.ttlMs });
  }
}
