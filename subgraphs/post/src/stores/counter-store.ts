import type { CountDeltas, StoredCounts } from './post-store';

export type CounterField = keyof StoredCounts;

/** A flush that took the live deltas and has not been closed yet (being written, or left by a crash). */
export interface Flight {
  id: string;
  deltas: CountDeltas;
}

/** What is not in the database yet, for some posts: the live deltas and those of open flights. */
export interface PendingCounts {
  live: CountDeltas;
  flights: Flight[];
  /** Of the dedupe ids asked about, those already applied (their increment is in `live` or flushed). */
  applied: Set<string>;
}

/**
 * The write-behind half of the counters (Redis, or memory in the embedded default). Increments land
 * here; a flusher moves them to the database in batches:
 *
 *   openFlight(id)   atomically renames the live deltas to an in-flight set named by the flush id
 *   (write them)     PostStore.applyCounterFlush(id, deltas), idempotent per flush id
 *   closeFlight(id)  forgets the flight
 *
 * A crash anywhere in between leaves the flight in place; the next flusher finishes it first
 * (flightIds), and the database skips posts it already reached, so nothing is lost or counted twice.
 * Flushers take `acquireFlushLock` so flights are applied one at a time.
 */
export interface CounterStore {
  /**
   * Adds `by` to a post's pending count. With `dedupeId` (an outbox item id), at most once per id
   * within DEDUPE_TTL_SECONDS: a relay re-running an item does not count it again. Returns whether
   * it was applied now.
   */
  increment(postId: string, field: CounterField, by: number, dedupeId?: string): Promise<boolean>;
  /** One view for each of `postIds` (ids already distinct and valid). */
  addViews(postIds: readonly string[]): Promise<void>;
  /** The pending deltas of these posts, and which of `dedupeIds` were applied, read in one atomic step. */
  pending(postIds: readonly string[], dedupeIds?: readonly string[]): Promise<PendingCounts>;

  /** A token when this caller now holds the flush lock for `ttlMs`, else null. */
  acquireFlushLock(ttlMs: number): Promise<string | null>;
  releaseFlushLock(token: string): Promise<void>;
  /**
   * Keeps the lock for another `ttlMs`: renews it if `token` holds it, or takes it again if it
   * expired and nobody else took it. False when another holder has it (then stop writing).
   */
  extendFlushLock(token: string, ttlMs: number): Promise<boolean>;
  /** Moves every live delta into flight `flushId` and returns them; null when nothing is pending. */
  openFlight(flushId: string): Promise<CountDeltas | null>;
  /** Flights not closed yet, oldest first: normally none, after a crash the one it left. */
  openFlights(): Promise<Flight[]>;
  /** Drops these posts from flight `flushId` once written, so a retry resumes after them. */
  forgetFlightPosts(flushId: string, postIds: readonly string[]): Promise<void>;
  closeFlight(flushId: string): Promise<void>;

  /**
   * True when the store still holds what it held at the last check. False the first time, or when
   * the data was lost (a Redis restart without persistence); a new epoch starts either way.
   */
  checkEpoch(): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEDUPE_TTL_SECONDS = 3_600; // a relay re-runs pending items within seconds; an hour covers an outage of the whole service

const FIELD_CODES: Record<CounterField, string> = { likes: 'l', comments: 'c', views: 'v' };
const CODE_FIELDS: Record<string, CounterField> = { l: 'likes', c: 'comments', v: 'views' };

/** The hash field of one post's count: `<postId>:<l|c|v>`. */
export const deltaField = (postId: string, field: CounterField) => `${postId}:${FIELD_CODES[field]}`;

/** Folds `[field, value, field, value...]` (HGETALL's shape) into per-post deltas. */
export function parseDeltas(entries: Iterable<[string, string | number]>): CountDeltas {
  const deltas: CountDeltas = new Map();
  for (const [key, raw] of entries) {
    const [postId, code] = key.split(':');
    const field = code ? CODE_FIELDS[code] : undefined;
    const value = Number(raw);
    if (!postId || !field || !Number.isFinite(value) || value === 0) continue;
    const d = deltas.get(postId) ?? {};
    d[field] = (d[field] ?? 0) + value;
    deltas.set(postId, d);
  }
  return deltas;
}
