import { badInput, isId, type Logger } from '@social/kit';
import type { CounterStore } from './stores/counter-store';

export const MAX_VIEW_BATCH = 100; // a screenful of posts is ~10-20; 100 covers a fast scroll while keeping one call's work bounded

/**
 * Views are impressions: counted in the write-behind store only (no database write per view, no
 * event, no per-viewer record), so they cost next to nothing and are approximate by nature.
 */
export class ViewService {
  constructor(
    private readonly counters: CounterStore,
    private readonly logger: Logger,
  ) {}

  /** Records one view of each distinct id; returns how many were recorded (0 when the counter is down). */
  async record(postIds: readonly string[]): Promise<number> {
    if (postIds.length > MAX_VIEW_BATCH) {
      throw badInput(
        `recordView takes at most ${MAX_VIEW_BATCH} post ids per call, and got ${postIds.length}. Send the rest in further calls.`,
        'postIds',
      );
    }
    const bad = postIds.find((id) => !isId(id));
    if (bad !== undefined) throw badInput(`"postIds" holds a malformed id: "${bad.slice(0, 40)}".`, 'postIds');
    const unique = [...new Set(postIds)];
    try {
      await this.counters.addViews(unique);
      return unique.length;
    } catch (err) {
      this.logger.warn({ err, views: unique.length }, 'views dropped: counter store unavailable');
      return 0;
    }
  }
}
