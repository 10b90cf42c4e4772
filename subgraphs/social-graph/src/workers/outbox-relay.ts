import { eventSchemas, type EventBus } from '@social/events';
import type { Logger } from '@social/kit';
import { invalidationFor } from '../services/invalidation';
import { throttled } from '../services/timeouts';
import type { OutboxRecord, OutboxStore } from '../stores/outbox';
import type { RelationshipCache } from '../stores/relationship-cache';

export const OUTBOX_BATCH = 100; // records read per round trip; publishing stays one at a time, in order
export const RELAY_RETRY_MIN_MS = 250; // first retry after a failed publish, doubling...
export const RELAY_RETRY_MAX_MS = 30_000; // ...up to this: NATS outages last seconds to minutes

export interface OutboxRelayDeps {
  outbox: OutboxStore;
  bus: EventBus;
  cache: RelationshipCache;
  logger: Logger;
  /** How often to look for records nobody kicked the relay about (left by a crash or another process). */
  pollMs: number;
}

/**
 * Publishes the outbox. A write commits its graph change and its outbox records together; this relay
 * then publishes each record (oldest first) with the record's id as the JetStream message id, applies
 * the record's cache invalidation again (healing a crash between commit and invalidation), and only
 * then deletes the record. A crash anywhere leaves the record for the next run (this process after a
 * restart, or any other instance's poll); publishing it again is absorbed by the stream's duplicate
 * window. A failing bus leaves the records and retries with backoff.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private poll: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** While backing off, the poll does not try earlier than this (a new write still does). */
  private notBefore = 0;
  private readonly warn: (err: unknown, what: string) => void;

  constructor(private readonly d: OutboxRelayDeps) {
    this.warn = throttled(10_000, (err, what) => d.logger.warn({ err }, what));
  }

  /** Publishes what is pending now (leftovers from before a restart) and polls from then on. */
  start(): void {
    this.kick();
    this.poll = setInterval(() => {
      if (Date.now() >= this.notBefore) this.kick();
    }, this.d.pollMs);
    this.poll.unref();
  }

  /** Something was just written: publish soon. Never throws, never waits. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /** Publishes until nothing is pending; rejects when a publish fails (tests and the CLI). */
  async drain(): Promise<number> {
    await this.running;
    return this.publishPending();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.retry);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.publishPending();
        this.failures = 0;
      } catch (err) {
        this.failures++;
        const delay = Math.min(RELAY_RETRY_MIN_MS * 2 ** (this.failures - 1), RELAY_RETRY_MAX_MS);
        this.notBefore = Date.now() + delay;
        this.warn(err, `outbox relay: could not read, publish or delete pending events; kept for a retry (next in ${delay} ms)`);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.kick(), delay);
        this.retry.unref();
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async publishPending(): Promise<number> {
    let published = 0;
    for (;;) {
      const batch = await this.d.outbox.pending(OUTBOX_BATCH);
      const done: OutboxRecord[] = [];
      try {
        for (const record of batch) {
          if (this.stopped) break;
          if (!eventSchemas[record.subject]?.safeParse(record.payload).success) {
            // A record that breaks its contract (a contract changed under it) can never be published;
            // retrying it would hold back every event behind it. Log it in full and let it go.
            this.d.logger.error({ record }, 'outbox relay: dropping a record that breaks its event contract');
            done.push(record);
            continue;
          }
          // occurredAt: the write's time, not this publish's, so the feed orders follow and unfollow of a pair by it.
          await this.d.bus.publish(record.subject, record.payload as never, { id: record.id, occurredAt: record.createdAt });
          done.push(record);
        }
      } finally {
        await this.settle(done);
      }
      published += done.length;
      if (batch.length < OUTBOX_BATCH || this.stopped) return published;
    }
  }

  /** After the PubAcks: invalidate (best effort: the TTL is the backstop), then delete the records. */
  private async settle(done: OutboxRecord[]): Promise<void> {
    if (done.length === 0) return;
    await this.d.cache
      .invalidate(invalidationFor(done))
      .catch((err: unknown) => this.d.logger.warn({ err }, 'outbox relay: cache invalidation failed'));
    await this.d.outbox.remove(done.map((r) => r.id));
  }
}
