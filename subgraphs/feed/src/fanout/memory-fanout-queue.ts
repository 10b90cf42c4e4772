import { FANOUT_MAX_DELIVER, type FanoutBatch, type FanoutQueue } from './fanout-queue';

interface Pending {
  batch: FanoutBatch;
  id: string;
  deliveries: number;
}

/**
 * The in-process work queue of the embedded default and the unit tests: same contract (at-least-once,
 * deduplicated publish, retry, dead letter), one consumer, delivery on a later tick.
 */
export class MemoryFanoutQueue implements FanoutQueue {
  readonly deadLetters: { batch: FanoutBatch; error: string }[] = [];
  private readonly queue: Pending[] = [];
  private readonly seen = new Set<string>();
  private handler?: (batch: FanoutBatch) => Promise<void>;
  private draining?: Promise<void>;
  private closed = false;

  async publish(batch: FanoutBatch, id: string): Promise<void> {
    if (this.closed) throw new Error('fan-out queue is closed');
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.queue.push({ batch: structuredClone(batch), id, deliveries: 0 });
    this.kick();
  }

  async consume(handler: (batch: FanoutBatch) => Promise<void>): Promise<{ stop(): Promise<void> }> {
    this.handler = handler;
    this.kick();
    return {
      stop: async () => {
        this.handler = undefined;
        await this.draining;
      },
    };
  }

  /** Resolves when every batch published so far has been applied or dead-lettered (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handler = undefined;
    await this.draining;
  }

  private kick(): void {
    if (this.draining || !this.handler || this.queue.length === 0) return;
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        this.kick(); // a batch published while the last one finished
      });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next && this.handler; next = this.queue.shift()) {
      next.deliveries++;
      try {
        await this.handler(next.batch);
      } catch (err) {
        if (next.deliveries >= FANOUT_MAX_DELIVER) this.deadLetters.push({ batch: next.batch, error: String(err) });
        else this.queue.push(next);
      }
    }
  }
}
