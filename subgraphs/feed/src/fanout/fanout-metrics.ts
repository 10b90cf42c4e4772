import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from '@social/kit';
import type { FanoutBatch } from './fanout-queue';

/**
 * The write path at /metrics: batches applied by kind and outcome, how long each took, and timeline
 * inserts (readers a push reached; inactive readers are skipped and not counted). Inserts per second
 * against Redis's capacity is the fan-out's health (see the timeline-fanout benchmark).
 */
export class FanoutMetrics {
  private readonly batches: Counter<'kind' | 'outcome'>;
  private readonly duration: Histogram<'kind'>;
  private readonly inserts: Counter;

  constructor(registry: Registry | undefined) {
    const registers = registry ? [registry] : [];
    this.batches = new Counter({
      name: 'feed_fanout_batches_total',
      help: 'Fan-out batches applied by this process, by kind (push, remove, merge) and outcome (ok, failed: redelivered later).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'feed_fanout_batch_duration_seconds',
      help: 'Time to apply one fan-out batch (one Redis script for up to FANOUT_BATCH_SIZE timelines, then the live events).',
      labelNames: ['kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.inserts = new Counter({ name: 'feed_timeline_inserts_total', help: 'Posts pushed into home timelines.', registers });
  }

  /** Runs `apply` for `batch`, counting it; `apply` returns how many timelines it inserted into. */
  async measure(batch: FanoutBatch, apply: () => Promise<number>): Promise<void> {
    const end = this.duration.startTimer({ kind: batch.kind });
    try {
      this.inserts.inc(await apply());
      this.batches.inc({ kind: batch.kind, outcome: 'ok' });
    } catch (err) {
      this.batches.inc({ kind: batch.kind, outcome: 'failed' });
      throw err;
    } finally {
      end();
    }
  }
}
