import { randomUUID } from 'node:crypto';
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

/** The embedded default and the unit double: the Redis protocol on maps, same semantics. */
export class MemoryCounterStore implements CounterStore {
  private live = new Map<string, number>();
  private readonly flights = new Map<string, Map<string, number>>();
  private readonly seen = new Map<string, number>(); // dedupe id -> expiry (ms)
  private lock: { token: string; until: number } | null = null;
  private epoch = false;

  async increment(postId: string, field: CounterField, by: number, dedupeId?: string): Promise<boolean> {
    if (dedupeId) {
      const now = Date.now();
      if ((this.seen.get(dedupeId) ?? 0) > now) return false;
      this.seen.set(dedupeId, now + DEDUPE_TTL_SECONDS * 1000);
    }
    const key = deltaField(postId, field);
    this.live.set(key, (this.live.get(key) ?? 0) + by);
    return true;
  }

  async addViews(postIds: readonly string[]): Promise<void> {
    for (const id of postIds) await this.increment(id, 'views', 1);
  }

  async pending(postIds: readonly string[], dedupeIds: readonly string[] = []): Promise<PendingCounts> {
    const pick = (m: Map<string, number>): CountDeltas => parseDeltas([...m].filter(([k]) => postIds.includes(k.split(':')[0]!)));
    const now = Date.now();
    return {
      live: pick(this.live),
      flights: [...this.flights].map(([id, m]) => ({ id, deltas: pick(m) })),
      applied: new Set(dedupeIds.filter((id) => (this.seen.get(id) ?? 0) > now)),
    };
  }

  async acquireFlushLock(ttlMs: number): Promise<string | null> {
    if (this.lock && this.lock.until > Date.now()) return null;
    this.lock = { token: randomUUID(), until: Date.now() + ttlMs };
    return this.lock.token;
  }

  async releaseFlushLock(token: string): Promise<void> {
    if (this.lock?.token === token) this.lock = null;
  }

  async extendFlushLock(token: string, ttlMs: number): Promise<boolean> {
    const free = !this.lock || this.lock.until <= Date.now();
    if (!free && this.lock!.token !== token) return false;
    this.lock = { token, until: Date.now() + ttlMs };
    return true;
  }

  async forgetFlightPosts(flushId: string, postIds: readonly string[]): Promise<void> {
    const flight = this.flights.get(flushId);
    if (!flight) return;
    const gone = new Set(postIds);
    for (const key of [...flight.keys()]) if (gone.has(key.split(':')[0]!)) flight.delete(key);
  }

  async openFlight(flushId: string): Promise<CountDeltas | null> {
    if (this.live.size === 0) return null;
    this.flights.set(flushId, this.live);
    this.live = new Map();
    return parseDeltas(this.flights.get(flushId)!);
  }

  async openFlights(): Promise<Flight[]> {
    return [...this.flights].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, m]) => ({ id, deltas: parseDeltas(m) }));
  }

  async closeFlight(flushId: string): Promise<void> {
    this.flights.delete(flushId);
  }

  async checkEpoch(): Promise<boolean> {
    const had = this.epoch;
    this.epoch = true;
    return had;
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
