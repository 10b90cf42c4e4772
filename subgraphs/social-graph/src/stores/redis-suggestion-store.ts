import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { SuggestionItem, PopularSnapshot, SuggestionSnapshot, SuggestionStore } from './suggestion-store';
import { closeRedis } from './redis-client';

type PackedItem = [userId: string, count: number, followers: number, sample: string[]];

/** Deletes the lock only if this holder still has it (a lock that expired may belong to another process now). */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Suggestions in Redis. Keys (after the connection's prefix):
 *   sugg:<id>:<computedAtMs>  {"t": ms, "i": [[id, count, followers, [sample ids]], ...]}  kept keepMs
 *   sugg:<id>:latest          the computedAt of the newest snapshot                    kept keepMs
 *   popular                   {"t": ms, "a": [[id, followers], ...]}                  kept until replaced
 *   active                    sorted set: member = user id, score = last seen (ms)
 *   lock:<name>               a random token, SET NX PX
 * Snapshots are packed arrays (about 120 bytes per suggestion) because one is kept per active person.
 */
export class RedisSuggestionStore implements SuggestionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keepMs: number,
  ) {}

  async latest(userId: string): Promise<SuggestionSnapshot | null> {
    const v = await this.redis.get(`sugg:${userId}:latest`);
    return v === null ? null : this.version(userId, Number(v));
  }

  async version(userId: string, computedAtMs: number): Promise<SuggestionSnapshot | null> {
    const raw = await this.redis.get(`sugg:${userId}:${computedAtMs}`);
    if (raw === null) return null;
    const packed = JSON.parse(raw) as { t: number; i: PackedItem[] };
    return {
      computedAt: new Date(packed.t),
      items: packed.i.map(([id, count, followers, sample]): SuggestionItem => ({ userId: id, count, followers, sample })),
    };
  }

  async save(userId: string, snapshot: SuggestionSnapshot): Promise<boolean> {
    const v = snapshot.computedAt.getTime();
    const packed = { t: v, i: snapshot.items.map((s): PackedItem => [s.userId, s.count, s.followers, s.sample]) };
    const stored = await this.redis.set(`sugg:${userId}:${v}`, JSON.stringify(packed), 'PX', this.keepMs, 'NX');
    if (stored !== 'OK') return false;
    await this.redis.set(`sugg:${userId}:latest`, String(v), 'PX', this.keepMs);
    return true;
  }

  async popular(): Promise<PopularSnapshot | null> {
    const raw = await this.redis.get('popular');
    if (raw === null) return null;
    const packed = JSON.parse(raw) as { t: number; a: [string, number][] };
    return { computedAt: new Date(packed.t), accounts: packed.a.map(([userId, followers]) => ({ userId, followers })) };
  }

  async savePopular(snapshot: PopularSnapshot): Promise<void> {
    const packed = { t: snapshot.computedAt.getTime(), a: snapshot.accounts.map((a) => [a.userId, a.followers]) };
    await this.redis.set('popular', JSON.stringify(packed));
  }

  async markActive(userIds: readonly string[], at: Date): Promise<void> {
    if (userIds.length === 0) return;
    // GT: only move a score forward, so a delayed write cannot make someone look less recent.
    await this.redis.zadd('active', 'GT', ...userIds.flatMap((id) => [at.getTime(), id]));
  }

  async activeSince(since: Date): Promise<string[]> {
    return this.redis.zrangebyscore('active', since.getTime(), '+inf');
  }

  async forgetInactive(before: Date): Promise<number> {
    return this.redis.zremrangebyscore('active', '-inf', `(${before.getTime()}`);
  }

  async tryLock(name: string, ttlMs: number): Promise<string | null> {
    const token = randomUUID();
    const ok = await this.redis.set(`lock:${name}`, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async unlock(name: string, token: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, `lock:${name}`, token);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}
