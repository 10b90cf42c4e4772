import type { Logger } from '@social/kit';
import type { SuggestionStore } from '../stores/suggestion-store';

/**
 * A person is marked active at most once per this interval per process: activity is measured in
 * days, so one write a minute is plenty and a busy reader costs Redis nothing per request.
 */
export const ACTIVITY_MARK_INTERVAL_MS = 60_000;
const MAX_REMEMBERED = 100_000; // bounds the throttle map; forgetting only means one extra write

/** Records who is active (signed-in requests), for the suggestions batch job. */
export class ActivityTracker {
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly store: SuggestionStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Fire and forget: a failed mark is logged at debug level and never fails the request. */
  seen(userId: string): void {
    const now = this.now();
    const last = this.lastMarked.get(userId);
    if (last !== undefined && now - last < ACTIVITY_MARK_INTERVAL_MS) return;
    if (this.lastMarked.size >= MAX_REMEMBERED) this.lastMarked.clear();
    this.lastMarked.set(userId, now);
    this.store.markActive([userId], new Date(now)).catch((err: unknown) => this.logger.debug({ err }, 'could not mark activity'));
  }
}
