import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from '@social/kit';
import { DEAD_LETTER_PREFIX, DEFAULT_MAX_DELIVER, retryDelayMs, type ConsumeOptions, type DeadLetter } from './bus';
import type { EventEnvelope } from './contracts';
import { parseEnvelope } from './envelope';

const DEFAULT_ACK_WAIT_MS = 30_000; // longer than any sane handler; a crashed instance's events move on after this
const DEFAULT_BATCH_SIZE = 10; // pulled ahead per instance: enough to keep busy, few enough to share a backlog
const CONSUMER_EXISTS = 10148; // JetStream API error: a consumer of that name exists with another config
const MAX_WORKING_MS = 5 * 60_000; // a handler still busy after this is presumed hung: let the event move on
const MAX_TERM_REASON = 200;

export interface JetStreamConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  prefix: string;
  logger: Logger;
  retryDelayMs: number;
  ackWaitMs?: number;
  batchSize?: number;
  consume: ConsumeOptions;
  deadLetter(letter: DeadLetter, msgId: string): Promise<void>;
  onStopped(consumer: JetStreamConsumer): void;
}

/**
 * One attachment to a durable pull consumer. Events are handled one at a time in stream order; a
 * failed handler is NAKed with a growing delay (other events go on meanwhile) and after maxDeliver
 * failed deliveries the event is published to `dlq.<subject>` and terminated.
 *
 * The server's max_deliver is one more than ours: that spare delivery arrives only when the last
 * attempt never finished (the instance died, or the dead-letter publish failed), and it is used to
 * dead-letter the event instead of losing it silently.
 */
export class JetStreamConsumer {
  private readonly maxDeliver: number;
  private readonly ackWaitMs: number;
  private readonly log: Logger;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private stopped?: Promise<void>;

  constructor(private readonly opts: JetStreamConsumerOptions) {
    this.maxDeliver = opts.consume.maxDeliver ?? DEFAULT_MAX_DELIVER;
    if (!Number.isInteger(this.maxDeliver) || this.maxDeliver < 1) throw new Error('maxDeliver must be a positive integer');
    if (opts.consume.subjects.length === 0) throw new Error('consume needs at least one subject');
    this.ackWaitMs = opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.log = opts.logger.child({ durable: opts.consume.durable });
  }

  async start(): Promise<void> {
    const { js, stream, consume } = this.opts;
    await this.ensureConsumer();
    const consumer = await js.consumers.get(stream, consume.durable);
    this.messages = await consumer.consume({ max_messages: this.opts.batchSize ?? DEFAULT_BATCH_SIZE });
    this.loop = this.run(this.messages);
  }

  /** Stops pulling, lets the in-flight handler finish, hands buffered events back at once. */
  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      this.stopping = true;
      await this.messages?.close();
      await this.loop;
      this.opts.onStopped(this);
    })());
  }

  private async ensureConsumer(): Promise<void> {
    const { jsm, stream, prefix, consume } = this.opts;
    const changeable: Partial<ConsumerConfig> = {
      filter_subjects: consume.subjects.map((s) => `${prefix}${s}`),
      max_deliver: this.maxDeliver + 1,
      // No server-side `backoff`: with one set, the server ignores the delay a NAK asks for and
      // spaces redeliveries by the backoff list instead (nats-server 2.12), so retries come from nak(delay).
      ack_wait: nanos(this.ackWaitMs),
    };
    try {
      await jsm.consumers.add(stream, {
        durable_name: consume.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All, // a new durable starts from the oldest kept event
        ...changeable,
      });
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === CONSUMER_EXISTS)) throw err;
      // Attached before with other subjects or limits (an older deploy): the newest attach wins.
      await jsm.consumers.update(stream, consume.durable, changeable);
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopping) {
          settle(this.log, () => msg.nak()); // redelivered at once, to another instance
          continue;
        }
        await this.handle(msg);
      }
    } catch (err) {
      this.log.error({ err }, 'event consumer stopped on an error');
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const attempt = msg.info.deliveryCount;
    const subject = msg.subject.slice(this.opts.prefix.length);
    const raw = msg.string();
    const parsed = parseEnvelope(raw, subject);
    if (!parsed.ok) return this.giveUp(msg, subject, parsed.event, parsed.error, raw);
    const event = parsed.event;
    if (attempt > this.maxDeliver) {
      return this.giveUp(msg, subject, event, 'the last delivery never finished (instance stopped or dead-letter publish failed)');
    }
    // Tell the server we are still working so a slow handler is not redelivered elsewhere meanwhile.
    const started = Date.now();
    const heartbeat = setInterval(
      () => {
        if (Date.now() - started < MAX_WORKING_MS) settle(this.log, () => msg.working());
      },
      Math.max(1_000, this.ackWaitMs / 3),
    );
    try {
      await this.opts.consume.handler(event);
    } catch (err) {
      clearInterval(heartbeat);
      const error = err instanceof Error ? err.message : String(err);
      if (attempt >= this.maxDeliver) return this.giveUp(msg, subject, event, error);
      const delay = retryDelayMs(attempt, this.opts.retryDelayMs);
      this.log.warn({ err, subject, eventId: event.id, attempt, retryInMs: delay }, 'event handler failed; will retry');
      settle(this.log, () => msg.nak(delay));
      return;
    }
    clearInterval(heartbeat);
    settle(this.log, () => msg.ack());
  }

  private async giveUp(msg: JsMsg, subject: string, event: EventEnvelope | null, error: string, raw?: string): Promise<void> {
    const durable = this.opts.consume.durable;
    const letter: DeadLetter = {
      subject: `${DEAD_LETTER_PREFIX}${subject}`,
      durable,
      event,
      ...(event ? {} : { raw }),
      error,
      deliveries: msg.info.deliveryCount,
      failedAt: new Date().toISOString(),
    };
    try {
      // Deduplicated per durable and stored message, so a retried dead-letter publish lands once.
      await this.opts.deadLetter(letter, `${durable}.${msg.info.stream}.${msg.seq}`);
    } catch (err) {
      this.log.error({ err, subject, seq: msg.seq }, 'could not dead-letter an event; leaving it for redelivery');
      settle(this.log, () => msg.nak(retryDelayMs(msg.info.deliveryCount, this.opts.retryDelayMs)));
      return;
    }
    this.log.error({ subject, eventId: event?.id, seq: msg.seq, deliveries: letter.deliveries, error }, 'event dead-lettered');
    settle(this.log, () => msg.term(error.slice(0, MAX_TERM_REASON)));
  }
}

/** Acks are fire-and-forget; on a closed connection they throw, which must not kill the loop. */
function settle(log: Logger, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.warn({ err }, 'could not acknowledge an event; the server will redeliver it');
  }
}
