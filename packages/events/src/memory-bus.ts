import {
  DEAD_LETTER_PREFIX,
  DEFAULT_MAX_DELIVER,
  DEFAULT_RETRY_DELAY_MS,
  retryDelayMs,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type EventBus,
  type PublishOptions,
} from './bus';
import type { EventEnvelope, EventPayload, Subject } from './contracts';
import { makeEnvelope } from './envelope';

const DUPLICATE_WINDOW_MS = 120_000; // the duplicate_window of the JetStream stream

export interface MemoryEventBusOptions {
  /** First retry delay after a handler fails; doubles per delivery (see retryDelayMs). */
  retryDelayMs?: number;
}

interface Delivery {
  event: EventEnvelope;
  deliveryCount: number;
}

interface Worker {
  handler: ConsumeOptions['handler'];
  stopped: boolean;
  wake: () => void;
  done?: Promise<void>;
}

interface Durable {
  name: string;
  subjects: Set<Subject>;
  maxDeliver: number;
  /** Next index of the log this durable has not looked at. */
  offset: number;
  /** Failed deliveries waiting for their retry time. */
  retries: (Delivery & { dueAt: number })[];
  workers: Set<Worker>;
}

/**
 * The in-process bus of the embedded default and of unit tests. It keeps JetStream's semantics where
 * they matter to consumers (the shared contract suite checks both): a durable name receives each event
 * once however many consumers share it, each attached consumer handles one event at a time, delivery
 * is asynchronous, a handler that throws is retried later (with backoff, without holding back the
 * events behind it) up to maxDeliver deliveries and then parked as a dead letter, and a publish with a
 * recently seen id is dropped. Events published while no consumer is attached are kept for durables
 * that attach later.
 */
export class MemoryEventBus implements EventBus {
  private readonly log: EventEnvelope[] = [];
  private readonly seenIds = new Map<string, number>();
  private readonly durables = new Map<string, Durable>();
  private readonly dead: DeadLetter[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly retryBaseMs: number;
  private closed = false;

  constructor(opts: MemoryEventBusOptions = {}) {
    this.retryBaseMs = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  async publish<S extends Subject>(subject: S, data: EventPayload<S>, opts: PublishOptions = {}): Promise<EventEnvelope<S>> {
    if (this.closed) throw new Error('event bus is closed');
    const envelope = makeEnvelope(subject, data, opts.id, opts.occurredAt);
    const now = Date.now();
    const seen = this.seenIds.get(envelope.id);
    if (seen !== undefined && now - seen < DUPLICATE_WINDOW_MS) return envelope;
    this.seenIds.set(envelope.id, now);
    this.log.push(envelope as EventEnvelope);
    for (const durable of this.durables.values()) this.wakeAll(durable);
    return envelope;
  }

  async consume(opts: ConsumeOptions): Promise<Consumer> {
    if (this.closed) throw new Error('event bus is closed');
    let durable = this.durables.get(opts.durable);
    if (!durable) {
      durable = { name: opts.durable, subjects: new Set(), maxDeliver: 0, offset: 0, retries: [], workers: new Set() };
      this.durables.set(opts.durable, durable);
    }
    // Like a JetStream consumer update: the last attach decides the filter and the limit.
    durable.subjects = new Set(opts.subjects);
    durable.maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const worker: Worker = { handler: opts.handler, stopped: false, wake: () => {} };
    durable.workers.add(worker);
    const d = durable;
    // Start on a later tick so delivery is asynchronous, as it is over the network.
    worker.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(d, worker));
    return {
      stop: async () => {
        worker.stopped = true;
        d.workers.delete(worker);
        worker.wake();
        await worker.done; // an in-flight handler finishes first, as on JetStream
      },
    };
  }

  /** Dead letters, oldest first (what `dlq.>` holds on JetStream). */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.slice(-limit);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const running: Promise<void>[] = [];
    for (const durable of this.durables.values()) {
      for (const w of durable.workers) {
        w.stopped = true;
        w.wake();
        if (w.done) running.push(w.done);
      }
    }
    await Promise.all(running);
  }

  /** One attached consumer: takes the durable's next due delivery, handles it, repeats. */
  private async run(durable: Durable, worker: Worker): Promise<void> {
    while (!worker.stopped && !this.closed) {
      const next = this.take(durable);
      if (!next) {
        await new Promise<void>((resolve) => (worker.wake = resolve));
        continue;
      }
      await this.deliver(durable, worker, next);
    }
  }

  private take(durable: Durable): Delivery | undefined {
    const now = Date.now();
    const due = durable.retries.findIndex((r) => r.dueAt <= now);
    if (due >= 0) {
      const [r] = durable.retries.splice(due, 1);
      return { event: r!.event, deliveryCount: r!.deliveryCount + 1 };
    }
    while (durable.offset < this.log.length) {
      const event = this.log[durable.offset++]!;
      if (durable.subjects.has(event.subject)) return { event, deliveryCount: 1 };
    }
    return undefined;
  }

  private async deliver(durable: Durable, worker: Worker, { event, deliveryCount }: Delivery): Promise<void> {
    try {
      await worker.handler(event);
      return;
    } catch (err) {
      if (deliveryCount >= durable.maxDeliver) {
        this.dead.push({
          subject: `${DEAD_LETTER_PREFIX}${event.subject}`,
          durable: durable.name,
          event,
          error: err instanceof Error ? err.message : String(err),
          deliveries: deliveryCount,
          failedAt: new Date().toISOString(),
        });
        return;
      }
      const delay = retryDelayMs(deliveryCount, this.retryBaseMs);
      durable.retries.push({ event, deliveryCount, dueAt: Date.now() + delay });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.wakeAll(durable);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private wakeAll(durable: Durable): void {
    for (const w of durable.workers) {
      const wake = w.wake;
      w.wake = () => {};
      wake();
    }
  }
}
