import type { EventEnvelope, EventPayload, Subject } from './contracts';

export interface PublishOptions {
  /** Deduplication id; give the same id when re-publishing the same fact (outbox retry). */
  id?: string;
}

export interface ConsumeOptions {
  /** Durable consumer name: one per consuming service role, shared by its instances. */
  durable: string;
  subjects: Subject[];
  /** Deliveries before an event is parked on the dead-letter subject instead of retried again. */
  maxDeliver?: number;
  handler: (event: EventEnvelope) => Promise<void>;
}

export interface Consumer {
  stop(): Promise<void>;
}

/**
 * Durable domain events. Two implementations behind one contract suite: MemoryEventBus for the
 * embedded default and unit tests, JetStreamEventBus for everything real.
 */
export interface EventBus {
  publish<S extends Subject>(subject: S, data: EventPayload<S>, opts?: PublishOptions): Promise<EventEnvelope<S>>;
  consume(opts: ConsumeOptions): Promise<Consumer>;
  /** Throws when the bus cannot accept publishes (used by /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_DELIVER = 5; // a handler bug should not loop forever; five tries covers transient outages of a few seconds with backoff
export const DEAD_LETTER_PREFIX = 'dlq.';
