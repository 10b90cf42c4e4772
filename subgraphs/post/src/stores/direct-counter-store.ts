import { randomUUID } from 'node:crypto';
import type { CountDeltas, PostStore } from './post-store';
import type { CounterField, CounterStore, Flight, PendingCounts } from './counter-store';

/**
 * The baseline the write-behind counters are measured against (COUNTER_STORE=direct): every count
 * goes straight to the database, one document update per like, comment or viewed post, and nothing
 * is ever pending. Kept as a named strategy so the benchmark compares the two on the same code path.
 * Not idempotent: a relay re-running a count item counts it again (the write-behind store dedupes).
 */
export class DirectCounterStore implements CounterStore {
  constructor(private readonly posts: PostStore) {}

  /** One plain `$inc` by `_id` (no idempotency filter: the cheapest write a count can be). */
  async increment(postId: string, field: CounterField, by: number): Promise<boolean> {
    await this.posts.adjustCounts(postId, { [field]: by });
    return true;
  }

  /**
   * One `$inc` per viewed post, one after another. (Not one bulkWrite per call: FerretDB v1 stalls
   * when update commands with many statements run concurrently, see the README.)
   */
  async addViews(postIds: readonly string[]): Promise<void> {
    for (const id of postIds) await this.posts.adjustCounts(id, { views: 1 });
  }

  async pending(): Promise<PendingCounts> {
    return { live: new Map(), flights: [], applied: new Set() };
  }

  async acquireFlushLock(): Promise<string> {
    return randomUUID();
  }

  async releaseFlushLock(): Promise<void> {}

  async extendFlushLock(): Promise<boolean> {
    return true;
  }

  async openFlight(): Promise<CountDeltas | null> {
    return null;
  }

  async openFlights(): Promise<Flight[]> {
    return [];
  }

  async forgetFlightPosts(): Promise<void> {}

  async closeFlight(): Promise<void> {}

  async checkEpoch(): Promise<boolean> {
    return true;
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
