import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { CountDeltas } from './post-store';
import {
  DEDUPE_TTL_SECONDS,
  deltaField,
  parseDeltas,
  type CounterField,
  type CounterStore,
  type Flight,
  type PendingCounts,
} from './counter-store';

// Every key shares the hash tag {pc}, so the scripts below touch one Redis Cluster slot.
const TAG = '{pc}';

/** HINCRBY unless this dedupe id was seen (SET NX with a TTL), in one atomic step. */
const INCREMENT_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0`;

/** RENAME live -> flight and register the flight, atomically; returns the flight's deltas. */
const OPEN_FLIGHT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], ARGV[1])
return redis.call('HGETALL', KEYS[2])`;

/**
 * In one atomic read: which dedupe ids were applied, the fields of live, and of every open flight.
 * ARGV: flightPrefix, seenPrefix, field count n, n fields, dedupe ids.
 * Returns {applied ids, live values, id, values, id, values...}.
 */
const PENDING = `
local n = tonumber(ARGV[3])
local fields = { unpack(ARGV, 4, 3 + n) }
local applied = {}
for i = 4 + n, #ARGV do
  if redis.call('EXISTS', ARGV[2] .. ARGV[i]) == 1 then table.insert(applied, ARGV[i]) end
end
local function hmget(key)
  if n == 0 then return {} end
  return redis.call('HMGET', key, unpack(fields))
end
local out = { applied, hmget(KEYS[1]) }
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  table.insert(out, id)
  table.insert(out, hmget(ARGV[1] .. id))
end
return out`;

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Renew if ours; take again if expired and free; refuse if another holder has it. */
const EXTEND_LOCK = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const FIELDS: CounterField[] = ['likes', 'comments', 'views'];

type Scripted = Redis & {
  incrementOnce(live: string, seen: string, field: string, by: number, ttl: number): Promise<number>;
  openFlight(live: string, flight: string, flights: string, id: string): Promise<string[] | null>;
  pendingFor(
    live: string,
    flights: string,
    flightPrefix: string,
    seenPrefix: string,
    n: number,
    ...fieldsThenIds: string[]
  ): Promise<unknown[]>;
  releaseLock(lock: string, token: string): Promise<number>;
  extendLock(lock: string, token: string, ttlMs: number): Promise<number>;
};

export interface RedisCounterStoreOptions {
  url: string;
  /** Isolates deployments and test runs sharing one server, e.g. `post:` or a unique test name. */
  keyPrefix: string;
}

/** CounterStore on Redis: hashes of deltas, Lua for the steps that must be atomic. */
export class RedisCounterStore implements CounterStore {
  private readonly keys;

  private constructor(
    private readonly redis: Scripted,
    prefix: string,
  ) {
    const k = `${prefix}counters:${TAG}`;
    this.keys = {
      live: `${k}:live`,
      flightPrefix: `${k}:flight:`,
      flights: `${k}:flights`,
      lock: `${k}:lock`,
      epoch: `${k}:epoch`,
      seenPrefix: `${k}:seen:`,
    };
  }

  static async connect(opts: RedisCounterStoreOptions): Promise<RedisCounterStore> {
    const redis = new Redis(opts.url, {
      lazyConnect: true,
      // Fail a command during an outage instead of queueing it forever; callers degrade or retry.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    }) as Scripted;
    redis.defineCommand('incrementOnce', { numberOfKeys: 2, lua: INCREMENT_ONCE });
    redis.defineCommand('openFlight', { numberOfKeys: 3, lua: OPEN_FLIGHT });
    redis.defineCommand('pendingFor', { numberOfKeys: 2, lua: PENDING });
    redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
    redis.defineCommand('extendLock', { numberOfKeys: 1, lua: EXTEND_LOCK });
    redis.on('error', () => undefined); // surfaced by the failing command; ioredis reconnects by itself
    await redis.connect();
    return new RedisCounterStore(redis, opts.keyPrefix);
  }

  async increment(postId: string, field: CounterField, by: number, dedupeId?: string): Promise<boolean> {
    const f = deltaField(postId, field);
    if (!dedupeId) {
      await this.redis.hincrby(this.keys.live, f, by);
      return true;
    }
    return (await this.redis.incrementOnce(this.keys.live, this.keys.seenPrefix + dedupeId, f, by, DEDUPE_TTL_SECONDS)) === 1;
  }

  async addViews(postIds: readonly string[]): Promise<void> {
    if (postIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of postIds) pipeline.hincrby(this.keys.live, deltaField(id, 'views'), 1);
    await pipeline.exec();
  }

  async pending(postIds: readonly string[], dedupeIds: readonly string[] = []): Promise<PendingCounts> {
    if (postIds.length === 0 && dedupeIds.length === 0) return { live: new Map(), flights: [], applied: new Set() };
    const fields = postIds.flatMap((id) => FIELDS.map((f) => deltaField(id, f)));
    const k = this.keys;
    const out = await this.redis.pendingFor(k.live, k.flights, k.flightPrefix, k.seenPrefix, fields.length, ...fields, ...dedupeIds);
    const zip = (values: unknown) => parseDeltas(fields.map((f, i) => [f, ((values as (string | null)[])[i] ?? 0) as string | number]));
    const flights: Flight[] = [];
    for (let i = 2; i + 1 < out.length; i += 2) flights.push({ id: String(out[i]), deltas: zip(out[i + 1]) });
    return { live: zip(out[1]), flights, applied: new Set(out[0] as string[]) };
  }

  async acquireFlushLock(ttlMs: number): Promise<string | null> {
    const token = randomUUID();
    return (await this.redis.set(this.keys.lock, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null;
  }

  async releaseFlushLock(token: string): Promise<void> {
    await this.redis.releaseLock(this.keys.lock, token);
  }

  async extendFlushLock(token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.extendLock(this.keys.lock, token, ttlMs)) === 1;
  }

  async openFlight(flushId: string): Promise<CountDeltas | null> {
    const flat = await this.redis.openFlight(this.keys.live, this.keys.flightPrefix + flushId, this.keys.flights, flushId);
    return flat ? parseDeltas(pairs(flat)) : null;
  }

  async openFlights(): Promise<Flight[]> {
    const ids = (await this.redis.smembers(this.keys.flights)).sort();
    const flights: Flight[] = [];
    for (const id of ids) flights.push({ id, deltas: parseDeltas(Object.entries(await this.redis.hgetall(this.keys.flightPrefix + id))) });
    return flights;
  }

  async forgetFlightPosts(flushId: string, postIds: readonly string[]): Promise<void> {
    if (postIds.length === 0) return;
    await this.redis.hdel(this.keys.flightPrefix + flushId, ...postIds.flatMap((id) => FIELDS.map((f) => deltaField(id, f))));
  }

  async closeFlight(flushId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.flightPrefix + flushId)
      .srem(this.keys.flights, flushId)
      .exec();
  }

  async checkEpoch(): Promise<boolean> {
    return (await this.redis.set(this.keys.epoch, new Date().toISOString(), 'NX')) !== 'OK';
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
