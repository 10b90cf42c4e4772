import DataLoader from 'dataloader';
import type { Logger } from '@social/kit';
import type { CounterStore, PendingCounts } from '../stores/counter-store';
import type { PostCountsRow, PostStore, StoredCounts } from '../stores/post-store';

export type Counts = StoredCounts;

/**
 * Counts as clients see them: what the database holds plus what is pending in the write-behind store,
 * so a count is exact to within one flush. The stored row is read BEFORE the pending deltas; then the
 * only way to be off is a flush that completes between the two reads, which under-counts that flush
 * for one read (never over-counts). A flight the row already absorbed (lastFlushId) is not added again.
 *
 * Counts are clamped at zero. A negative sum can only come from a lost increment (a Redis restart
 * dropped a like's +1 and the unlike's -1 arrived afterwards) or from such a torn read; showing "-1
 * likes" helps nobody, and the reconciler restores the exact number from the likes collection.
 */
export class CountReader {
  constructor(
    private readonly posts: PostStore,
    private readonly counters: CounterStore,
    private readonly logger: Logger,
  ) {}

  /** Counts of posts whose stored rows the caller already has (a loaded page of posts). */
  async forRows(rows: readonly PostCountsRow[]): Promise<Map<string, Counts>> {
    let pending: PendingCounts = { live: new Map(), flights: [], applied: new Set() };
    try {
      pending = await this.counters.pending(rows.map((r) => r.id));
    } catch (err) {
      // Redis down: stale counts (up to one flush behind) beat failing every post on screen.
      this.logger.warn({ err }, 'pending counts unavailable; serving stored counts');
    }
    return new Map(rows.map((r) => [r.id, sum(r, pending)]));
  }

  /** Counts of posts by id (deleted ones included; unknown ids are left out). */
  async forIds(ids: readonly string[]): Promise<Map<string, Counts>> {
    return this.forRows(await this.posts.findCounts(ids));
  }

  /** Per request: the counts of every post resolved in one tick cost one pending read. */
  createLoader(): DataLoader<PostCountsRow, Counts, string> {
    return new DataLoader<PostCountsRow, Counts, string>(
      async (rows) => {
        const counts = await this.forRows(rows);
        return rows.map((r) => counts.get(r.id)!);
      },
      { cacheKeyFn: (r) => r.id },
    );
  }
}

function sum(row: PostCountsRow, pending: PendingCounts): Counts {
  const total = { ...row.counts };
  const add = (d: Partial<Counts> | undefined) => {
    total.likes += d?.likes ?? 0;
    total.comments += d?.comments ?? 0;
    total.views += d?.views ?? 0;
  };
  add(pending.live.get(row.id));
  for (const f of pending.flights) if (f.id !== row.lastFlushId) add(f.deltas.get(row.id));
  return { likes: Math.max(0, total.likes), comments: Math.max(0, total.comments), views: Math.max(0, total.views) };
}
