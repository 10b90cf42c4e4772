import type { Logger } from '@social/kit';
import type { PopularAccounts } from '../services/popular';
import type { Suggestions } from '../services/suggestions';
import type { SuggestionStore } from '../stores/suggestion-store';

export const PRECOMPUTE_LOCK = 'suggestions-precompute';
export const PRECOMPUTE_CONCURRENCY = 2; // two rankings at a time: keeps Neo4j busy without starving live requests
const DAY_MS = 24 * 3600_000;

export interface PrecomputeDeps {
  suggestions: Suggestions;
  popular: PopularAccounts;
  store: SuggestionStore;
  logger: Logger;
  /** "Active": a signed-in request reached this service within this many days. */
  activeDays: number;
  /** The lock outlives a crashed run by at most this (the interval between runs is a good value). */
  lockMs: number;
  now?: () => number;
}

export interface PrecomputeReport {
  /** Set when another process holds the lock (nothing was done). */
  skipped?: 'locked';
  active: number;
  computed: number;
  failed: number;
  forgotten: number;
  ms: number;
}

/**
 * The suggestions batch job: refreshes the popular list (the rankings' filler), forgets people not
 * seen within the active window, and computes and stores a ranking for each active person. One
 * process at a time (a lock in the store), however many instances run the job on a timer.
 */
export async function precomputeSuggestions(d: PrecomputeDeps): Promise<PrecomputeReport> {
  const now = d.now ?? Date.now;
  const started = now();
  const token = await d.store.tryLock(PRECOMPUTE_LOCK, d.lockMs);
  if (!token) return { skipped: 'locked', active: 0, computed: 0, failed: 0, forgotten: 0, ms: 0 };
  try {
    await d.popular.refresh();
    const since = new Date(started - d.activeDays * DAY_MS);
    const forgotten = await d.store.forgetInactive(since);
    const active = await d.store.activeSince(since);
    let computed = 0;
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < active.length) {
        const userId = active[next++]!;
        try {
          await d.suggestions.precompute(userId);
          computed++;
        } catch (err) {
          failed++;
          d.logger.warn({ err, userId }, 'could not precompute suggestions');
        }
      }
    };
    await Promise.all(Array.from({ length: PRECOMPUTE_CONCURRENCY }, worker));
    const report = { active: active.length, computed, failed, forgotten, ms: now() - started };
    d.logger.info(report, 'suggestions precomputed');
    return report;
  } finally {
    await d.store.unlock(PRECOMPUTE_LOCK, token).catch(() => undefined);
  }
}
