import { newId } from '@social/kit';
import { DEAD_LETTER_PREFIX, DEFAULT_MAX_DELIVER, type ConsumeOptions, type Consumer, type EventBus, type PublishOptions } from './bus';
import { EVENT_VERSION, type EventEnvelope, type EventPayload, type Subject } from './contracts';

const DUPLICATE_WINDOW_MS = 120_000; // the same window JetStream uses by default

/**
 * The in-process bus of the embedded default and of unit tests. It keeps JetStream's semantics where
 * they matter to consumers: a durable name receives each event once however many consumers share it
 * (work-queue style), delivery is asynchronous, a handler that throws is retried up to maxDeliver and
 * then parked on the dead-letter subject, and a publish with a recently seen id is dropped.
 * Events published while no consumer is attached are kept for durables that attach later.
 */
export class MemoryEventBus implements EventBus {
  private readonly log: EventEnvelope[] = [];
  private readonly seenIds = new Map<string, number>();
  private readonly durables = new Map<string, { opts: ConsumeOptions; offset: number; running: boolean; active: number }>();
  readonly deadLetters: { subject: string; event: EventEnvelope; error: string }[] = [];
  private closed = false;

  async publish<S extends Subject>(subject: S, data: EventPayload<S>, opts: PublishOptions = {}): Promise<EventEnvelope<S>> {
    if (this.closed) throw new Error('event bus is closed');
    const envelope: EventEnvelope<S> = { id: opts.id ?? newId(), subject, version: EVENT_VERSION, occurredAt: new Date().toISOString(), data };
    const now = Date.now();
    const seen = this.seenIds.get(envelope.id);
    if (seen !== undefined && now - seen < DUPLICATE_WINDOW_MS) return envelope;
    this.seenIds.set(envelope.id, now);
    this.log.push(envelope as EventEnvelope);
    for (const durable of this.durables.values()) this.pump(durable);
    return envelope;
  }

  async consume(opts: ConsumeOptions): Promise<Consumer> {
    let durable = this.durables.get(opts.durable);
    if (!durable) {
      durable = { opts, offset: 0, running: false, active: 0 };
      this.durables.set(opts.durable, durable);
    } else {
      durable.opts = opts;
    }
    durable.active++;
    const d = durable;
    setImmediate(() => this.pump(d));
    return {
      stop: async () => {
        d.active--;
      },
    };
  }

  private pump(durable: { opts: ConsumeOptions; offset: number; running: boolean; active: number }): void {
    if (durable.running || durable.active === 0) return;
    durable.running = true;
    setImmediate(async () => {
      try {
        while (durable.active > 0 && durable.offset < this.log.length && !this.closed) {
          const event = this.log[durable.offset++]!;
          if (!durable.opts.subjects.includes(event.subject)) continue;
          await this.deliver(durable.opts, event);
        }
      } finally {
        durable.running = false;
        if (durable.offset < this.log.length && durable.active > 0 && !this.closed) this.pump(durable);
      }
    });
  }

  private async deliver(opts: ConsumeOptions, event: EventEnvelope): Promise<void> {
    const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
    let lastError = '';
    for (let attempt = 1; attempt <= maxDeliver; attempt++) {
      try {
        await opts.handler(event);
        return;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    this.deadLetters.push({ subject: `${DEAD_LETTER_PREFIX}${event.subject}`, event, error: lastError });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
