import type Redis from 'ioredis';
import type { FollowEdge, FollowStats } from './follow-graph';
import { closeRedis } from './redis-client';
import {
  DEFAULT_CACHE_TTL_MS,
  GENERATION_TTL_MS,
  type Cached,
  type Invalidation,
  type RelationshipCache,
  type StatsEntry,
} from './relationship-cache';

/**
 * The relationship cache in Redis. Keys (after the connection's prefix):
 *   gen:<id>        the person's generation (INCR on every change)
 *   vip-epoch       bumped on every VIP status change
 *   stats:<id>      {"t": token, "v": {followers, following, isVip}}
 *   followers:<id>  {"t": token, "v": [[followerId, followedAtMs], ...]} newest first
 *   vips:<id>       {"t": "<gen>.<epoch>", "v": [vipId, ...]}
 * A read is one MGET of the generations and the entries, so a hit costs one round trip.
 */
export class RedisRelationshipCache implements RelationshipCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = DEFAULT_CACHE_TTL_MS,
  ) {}

  async getStats(userIds: readonly string[]): Promise<Map<string, Cached<FollowStats>>> {
    const result = new Map<string, Cached<FollowStats>>();
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return result;
    const values = await this.redis.mget(...ids.map((id) => `gen:${id}`), ...ids.map((id) => `stats:${id}`));
    ids.forEach((id, i) => result.set(id, read<FollowStats>(values[ids.length + i] ?? null, values[i] ?? '0')));
    return result;
  }

  async setStats(entries: readonly StatsEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of entries) pipeline.set(`stats:${e.userId}`, JSON.stringify({ t: e.token, v: e.value }), 'PX', this.ttlMs);
    await pipeline.exec();
  }

  async getFollowerList(userId: string): Promise<Cached<FollowEdge[]>> {
    const [gen, raw] = await this.redis.mget(`gen:${userId}`, `followers:${userId}`);
    const hit = read<[string, number][]>(raw ?? null, gen ?? '0');
    return { token: hit.token, value: hit.value?.map(([id, at]) => ({ userId: id, followedAt: new Date(at) })) ?? null };
  }

  async setFollowerList(userId: string, token: string, edges: readonly FollowEdge[]): Promise<void> {
    const v = edges.map((e) => [e.userId, e.followedAt.getTime()]);
    await this.redis.set(`followers:${userId}`, JSON.stringify({ t: token, v }), 'PX', this.ttlMs);
  }

  async getFollowedVips(userId: string): Promise<Cached<string[]>> {
    const [gen, epoch, raw] = await this.redis.mget(`gen:${userId}`, 'vip-epoch', `vips:${userId}`);
    return read<string[]>(raw ?? null, `${gen ?? '0'}.${epoch ?? '0'}`);
  }

  async setFollowedVips(userId: string, token: string, ids: readonly string[]): Promise<void> {
    await this.redis.set(`vips:${userId}`, JSON.stringify({ t: token, v: ids }), 'PX', this.ttlMs);
  }

  async invalidate(change: Invalidation): Promise<void> {
    const pipeline = this.redis.multi();
    for (const id of new Set(change.users)) {
      pipeline.incr(`gen:${id}`);
      pipeline.pexpire(`gen:${id}`, GENERATION_TTL_MS);
    }
    if (change.vipStatus) pipeline.incr('vip-epoch');
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('cache invalidation was not applied');
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/** An entry counts only when it was stamped with the current token. */
function read<T>(raw: string | null, token: string): Cached<T> {
  if (!raw) return { token, value: null };
  const entry = JSON.parse(raw) as { t: string; v: T };
  return { token, value: entry.t === token ? entry.v : null };
}
