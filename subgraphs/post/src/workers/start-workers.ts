import type { Logger } from '@social/kit';
import type { PostConfig } from '../config';
import type { OutboxDispatcher } from '../outbox/dispatcher';
import type { Stores } from '../stores/open-stores';
import type { PostCountsRow } from '../stores/post-store';
import { CounterFlusher, type FlushHooks, type FlushResult } from './counter-flusher';
import { relayOnce } from './outbox-relay';
import { periodic } from './periodic';
import { Reconciler } from './reconciler';

export interface Workers {
  /** Flushes pending counts now (tests, benchmarks, operations); rejects when the flush failed. */
  flushNow(): Promise<FlushResult>;
  /** Re-delivers pending outbox items now; returns how many documents. */
  relayNow(): Promise<number>;
  reconciler: Reconciler;
  /** The counts as the database holds them, without pending deltas (operations, tests). */
  storedCounts(postIds: readonly string[]): Promise<PostCountsRow[]>;
  /** Stops the timers, then flushes once more so a clean shutdown leaves nothing pending. */
  stop(): Promise<void>;
}

type WorkerConfig = Pick<
  PostConfig,
  | 'FLUSH_INTERVAL_MS'
  | 'FLUSH_BATCH_SIZE'
  | 'FLUSH_LOCK_TTL_MS'
  | 'OUTBOX_RELAY_INTERVAL_MS'
  | 'OUTBOX_STALE_MS'
  | 'RECONCILE_INTERVAL_MS'
  | 'RECONCILE_LOOKBACK_MS'
>;

/**
 * The post service's background work, in the same process as its API (they could run alone: each
 * is safe with any number of instances). Counter flush, outbox relay (also once at start, to
 * deliver what a crash left), and the periodic reconcile of recently active posts.
 */
export function startWorkers(
  stores: Stores,
  dispatcher: OutboxDispatcher,
  config: WorkerConfig,
  logger: Logger,
  hooks?: FlushHooks,
): Workers {
  const sources = [stores.posts, stores.likes, stores.comments].flatMap((s) => s.outboxSources());
  const reconciler = new Reconciler({ ...stores, outboxSources: sources, lockTtlMs: config.FLUSH_LOCK_TTL_MS, logger });
  const flusher = new CounterFlusher(stores.counters, stores.posts, {
    lockTtlMs: config.FLUSH_LOCK_TTL_MS,
    batchSize: config.FLUSH_BATCH_SIZE,
    hooks,
    logger,
    onDataLoss: async () => void (await reconciler.reconcileSince(new Date(Date.now() - config.RECONCILE_LOOKBACK_MS))),
  });
  const relay = () => relayOnce(sources, dispatcher, { staleMs: config.OUTBOX_STALE_MS, logger });

  const flushJob = periodic('counter-flush', config.FLUSH_INTERVAL_MS, () => flusher.flushOnce(), logger);
  const relayJob = periodic('outbox-relay', config.OUTBOX_RELAY_INTERVAL_MS, relay, logger);
  let reconciledUntil = new Date();
  const reconcileJob = periodic(
    'reconcile',
    config.RECONCILE_INTERVAL_MS,
    async () => {
      const now = new Date();
      // Overlap by one flush interval so a post touched at the boundary is not missed.
      await reconciler.reconcileSince(new Date(reconciledUntil.getTime() - config.FLUSH_INTERVAL_MS));
      reconciledUntil = now;
    },
    logger,
  );
  relayJob.runNow().catch((err: unknown) => logger.warn({ err }, 'outbox relay at start failed; it retries on its interval'));

  return {
    flushNow: () => flushJob.runNow(),
    relayNow: () => relayJob.runNow(),
    reconciler,
    storedCounts: (ids) => stores.posts.findCounts(ids),
    stop: async () => {
      await Promise.all([relayJob.stop(), reconcileJob.stop()]);
      await dispatcher.drain();
      await flushJob.stop();
      const final = await flusher
        .flushOnce()
        .catch((err: unknown) => logger.warn({ err }, 'final counter flush failed; the next start finishes it'));
      if (final && final.status === 'locked') logger.info('final counter flush skipped: another instance is flushing');
    },
  };
}
