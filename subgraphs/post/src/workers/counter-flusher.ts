import { newId, type Logger } from '@social/kit';
import type { CounterStore, Flight } from '../stores/counter-store';
import type { CountDeltas, PostStore } from '../stores/post-store';

/** Points where a test can stop the flusher dead, to prove a crash there loses and doubles nothing. */
export interface FlushHooks {
  /** The live deltas were moved into flight `flushId` and read, and are not written yet. */
  afterOpen?(flushId: string, deltas: CountDeltas): Promise<void> | void;
  /** A chunk of flight `flushId` is in the database and still in the flight (not dropped yet). */
  afterWrite?(flushId: string): Promise<void> | void;
}

export interface FlushResult {
  status: 'flushed' | 'idle' | 'locked';
  /** Flights written this time: ones a crash left behind first, then the new one. */
  flights: string[];
  /** Posts whose counts the flights changed. */
  posts: number;
  /** True when the write-behind store reported lost data (and a reconcile was started). */
  dataLoss: boolean;
}

export interface FlusherOptions {
  lockTtlMs: number;
  /**
   * Posts per bulkWrite. A flight is written in chunks of this size, one after another, renewing the
   * lock between chunks. FerretDB v1 stalls on update commands of about 100 statements and more
   * (measured: 99 took 0.8 s, 100 never finished), so the default stays well below; on MongoDB
   * thousands per command are fine.
   */
  batchSize: number;
  hooks?: FlushHooks;
  logger: Logger;
  /** Called (after the lock is released) when the store lost its data, e.g. Redis restarted without AOF. */
  onDataLoss?: () => Promise<void>;
}

/**
 * Moves the write-behind deltas to the database: one batched write per flush (per `batchSize` posts).
 *
 * Under the flush lock (one flusher at a time across instances, which is what lets a post remember
 * only its last flush id): finish any flight a crashed flusher left, then atomically rename the live
 * deltas to a new flight, write it (idempotent per flight id), close it. A crash before the write
 * leaves the flight for the next holder; a crash after it makes the replay a no-op per post. Each
 * written chunk is dropped from the flight, so a retry resumes where the last holder stopped. Before
 * each chunk the holder renews the lock and stops if another holder has taken it, so two holders
 * never write one flight at once (as long as one chunk takes less than the lock's lifetime).
 */
export class CounterFlusher {
  constructor(
    private readonly counters: CounterStore,
    private readonly posts: PostStore,
    private readonly opts: FlusherOptions,
  ) {}

  async flushOnce(): Promise<FlushResult> {
    const token = await this.counters.acquireFlushLock(this.opts.lockTtlMs);
    if (!token) return { status: 'locked', flights: [], posts: 0, dataLoss: false };
    const lock = { token };
    const result: FlushResult = { status: 'idle', flights: [], posts: 0, dataLoss: false };
    try {
      result.dataLoss = !(await this.counters.checkEpoch());
      for (const leftover of await this.counters.openFlights()) {
        this.opts.logger.warn({ flushId: leftover.id }, 'finishing a counter flush a crash left behind');
        await this.write(leftover, lock, result);
      }
      const id = newId();
      const deltas = await this.counters.openFlight(id);
      if (deltas) {
        await this.opts.hooks?.afterOpen?.(id, deltas);
        await this.write({ id, deltas }, lock, result);
      }
    } finally {
      await this.counters.releaseFlushLock(token).catch(() => undefined); // it expires anyway
    }
    if (result.dataLoss) {
      this.opts.logger.warn('counter store lost its data (or is new): reconciling recent likes and comments');
      await this.opts.onDataLoss?.();
    }
    return result;
  }

  private async write(flight: Flight, lock: { token: string }, result: FlushResult): Promise<void> {
    const entries = [...flight.deltas];
    for (let i = 0; i < entries.length; i += this.opts.batchSize) {
      const chunk = entries.slice(i, i + this.opts.batchSize);
      await this.renew(lock, flight.id);
      await this.posts.applyCounterFlush(flight.id, new Map(chunk));
      await this.opts.hooks?.afterWrite?.(flight.id);
      await this.counters.forgetFlightPosts(
        flight.id,
        chunk.map(([postId]) => postId),
      );
    }
    await this.counters.closeFlight(flight.id);
    result.status = 'flushed';
    result.flights.push(flight.id);
    result.posts += flight.deltas.size;
  }

  private async renew(lock: { token: string }, flushId: string): Promise<void> {
    if (!(await this.counters.extendFlushLock(lock.token, this.opts.lockTtlMs))) {
      throw new Error(`counter flush ${flushId} lost its lock to another flusher; leaving the rest to it`);
    }
  }
}
