import { liveSubjects, type LivePublisher } from '@social/events';
import type { TimelineStore } from '../stores/timeline-store';
import type { FanoutBatch } from './fanout-queue';
import { FanoutMetrics } from './fanout-metrics';

export interface FanoutWorkerOptions {
  store: TimelineStore;
  live: LivePublisher;
  /** Readers whose last visit is older than this get no pushes. */
  inactiveAfterMs: number;
  now?: () => number;
  /** Counts batches and inserts for /metrics. */
  metrics?: FanoutMetrics;
}

/**
 * Applies fan-out batches to the timeline store: each batch is one atomic Redis script call (one round
 * trip for up to a thousand timelines). After a push lands, every reader it reached gets a live
 * `timelineUpdated` event so an open screen can show "new posts". Every batch is idempotent, so a
 * redelivered one (a worker died before acking) changes nothing more.
 */
export class FanoutWorker {
  private readonly now: () => number;
  private readonly metrics: FanoutMetrics;

  constructor(private readonly opts: FanoutWorkerOptions) {
    this.now = opts.now ?? Date.now;
    this.metrics = opts.metrics ?? new FanoutMetrics(undefined);
  }

  readonly apply = (batch: FanoutBatch): Promise<void> => this.metrics.measure(batch, () => this.applyOne(batch));

  /** Applies one batch; returns how many timelines a push reached (0 for other kinds). */
  private async applyOne(batch: FanoutBatch): Promise<number> {
    const { store, live } = this.opts;
    switch (batch.kind) {
      case 'push': {
        const entry = { postId: batch.postId, authorId: batch.authorId, score: batch.score };
        const reached = await store.pushPost(entry, batch.userIds, this.now() - this.opts.inactiveAfterMs);
        await Promise.all(
          reached.map((userId) => live.publishLive(liveSubjects.timelineUpdated(userId), { userId, postId: batch.postId })),
        );
        return reached.length;
      }
      case 'remove':
        await store.removePost(batch, batch.userIds);
        return 0;
      case 'merge':
        await store.mergeRecent(batch.userIds, batch.authorIds);
        return 0;
      default: {
        const unknown: never = batch;
        throw new Error(`unknown fan-out batch ${JSON.stringify(unknown)}`);
      }
    }
  }
}
