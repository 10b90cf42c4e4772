import type { EventEnvelope, EventPayload, Subject } from './contracts';

export interface PublishOptions {
  /** Deduplication id; give the same id when re-publishing the same fact (outbox retry). */
  id?: string;
  /**
   * When the fact happened (the envelope's `occurredAt`); default now. An outbox passes its write time,
   * so a re-published event keeps the moment of the change and consumers can order changes by it.
   */
  occurredAt?: Date;
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
export const DEFAULT_RETRY_DELAY_MS = 1_000; // first retry after a second, doubling: 1+2+4+8 s spans a short outage
export const MAX_RETRY_DELAY_MS = 60_000; // never park a retry longer than a minute

/** Delay before delivery number `deliveryCount + 1` after a failed one: exponential, capped. */
export function retryDelayMs(deliveryCount: number, baseMs = DEFAULT_RETRY_DELAY_MS): number {
  return Math.min(baseMs * 2 ** Math.max(0, deliveryCount - 1), MAX_RETRY_DELAY_MS);
}

/**
 * An event a consumer gave up on: its handler failed on every delivery, or the message was not a valid
 * envelope of a known version. Kept on `dlq.<subject>` for a person to inspect and replay.
 */
export interface DeadLetter {
  /** `dlq.<subject>` (without the bus's subject prefix). */
  subject: string;
  durable: string;
  /** The envelope, or null when the message could not be read as one (then `raw` holds it). */
  event: EventEnvelope | null;
  raw?: string;
  error: string;
  deliveries: number;
  failedAt: string;
}
