import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  JetStreamApiError,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { Logger } from '@social/kit';
import {
  DEAD_LETTER_PREFIX,
  DEFAULT_RETRY_DELAY_MS,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type EventBus,
  type PublishOptions,
} from './bus';
import { subjects as contractSubjects, type EventEnvelope, type EventPayload, type Subject } from './contracts';
import { makeEnvelope } from './envelope';
import { JetStreamConsumer } from './jetstream-consumer';

export const DEFAULT_STREAM_NAME = 'EVENTS';
const DUPLICATE_WINDOW_MS = 2 * 60_000; // long enough for an outbox to retry a publish after a crash and restart
const EVENT_MAX_AGE_MS = 7 * 24 * 3600_000; // a consumer that is down for a week can still catch up
const DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 3600_000; // dead letters wait for a person, who may be on holiday
const PUBLISH_TIMEOUT_MS = 5_000; // a publish answers within this or fails, so a request never hangs on an outage
const API_TIMEOUT_MS = 5_000; // stream/consumer management requests
const CONNECT_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 5_000; // drain waits for the server; do not let shutdown hang on an outage
const STREAM_NAME_IN_USE = 10058; // JetStream API error: a stream of that name exists with another config

export interface JetStreamEventBusOptions {
  /** NATS server URL(s), comma-separated. */
  servers: string;
  /** Prepended to every NATS subject, e.g. `t_abc.`, so tests sharing a server do not see each other. */
  subjectPrefix?: string;
  /** Defaults to EVENTS, or EVENTS_<prefix> when a prefix is given (stream names cannot contain dots). */
  streamName?: string;
  logger: Logger;
  /** Connection name shown in the server's monitoring. */
  name?: string;
  /** First retry delay after a handler fails; doubles per delivery. */
  retryDelayMs?: number;
  publishTimeoutMs?: number;
  /** How long the server waits for an ack before redelivering (also the heartbeat basis for long handlers). */
  ackWaitMs?: number;
  /** Messages one consumer pulls ahead; small so instances sharing a durable share the work. */
  batchSize?: number;
}

const PREFIX_PATTERN = /^([A-Za-z0-9_-]+\.)*$/;

/**
 * The real event bus: NATS JetStream. One file-backed stream holds every contract subject (deduplicated
 * by event id), one more holds dead letters. Each durable is a pull consumer with explicit acks, so an
 * event is removed from a consumer's backlog only after its handler succeeded, and every instance of a
 * service that consumes the same durable takes a share of the events.
 */
export class JetStreamEventBus implements EventBus {
  readonly streamName: string;
  readonly deadLetterStreamName: string;
  private readonly consumers = new Set<JetStreamConsumer>();
  private closing?: Promise<void>;
  /** False between a disconnect and the reconnect: ping fails fast and close skips draining. */
  private connected = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly prefix: string,
    private readonly opts: JetStreamEventBusOptions,
  ) {
    this.streamName = opts.streamName ?? streamNameFor(prefix);
    this.deadLetterStreamName = `${this.streamName}_DLQ`;
  }

  /** Connects and makes sure both streams exist with the current configuration. */
  static async connect(opts: JetStreamEventBusOptions): Promise<JetStreamEventBus> {
    const prefix = opts.subjectPrefix ?? '';
    if (!PREFIX_PATTERN.test(prefix)) throw new Error(`subjectPrefix must be empty or dot-terminated tokens, got "${prefix}"`);
    const nc = await connect({
      servers: opts.servers.split(',').map((s) => s.trim()),
      name: opts.name,
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1, // once started, ride out outages: publishes fail fast meanwhile, consumers resume
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: API_TIMEOUT_MS });
      const bus = new JetStreamEventBus(nc, jetstream(nc, { timeout: API_TIMEOUT_MS }), jsm, prefix, opts);
      await bus.ensureStreams();
      bus.watchConnection();
      return bus;
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  async publish<S extends Subject>(subject: S, data: EventPayload<S>, opts: PublishOptions = {}): Promise<EventEnvelope<S>> {
    const envelope = makeEnvelope(subject, data, opts.id, opts.occurredAt);
    if (this.closing || this.nc.isClosed()) throw new Error('event bus is closed');
    const timeout = this.opts.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS;
    try {
      // Awaiting the PubAck means the stream stored it. A publish that timed out may still have been
      // stored (the bytes can reach the server after we gave up): re-publishing with the same id is safe.
      await this.js.publish(this.natsSubject(subject), JSON.stringify(envelope), { msgID: envelope.id, timeout });
    } catch (err) {
      throw new Error(`publishing ${subject} ${envelope.id} failed: ${(err as Error).message}`, { cause: err });
    }
    return envelope;
  }

  async consume(opts: ConsumeOptions): Promise<Consumer> {
    if (this.closing || this.nc.isClosed()) throw new Error('event bus is closed');
    const consumer = new JetStreamConsumer({
      js: this.js,
      jsm: this.jsm,
      stream: this.streamName,
      prefix: this.prefix,
      logger: this.opts.logger,
      retryDelayMs: this.opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      ackWaitMs: this.opts.ackWaitMs,
      batchSize: this.opts.batchSize,
      deadLetter: (letter, msgId) => this.publishDeadLetter(letter, msgId),
      onStopped: (c) => this.consumers.delete(c),
      consume: opts,
    });
    await consumer.start();
    this.consumers.add(consumer);
    return { stop: () => consumer.stop() };
  }

  /** Throws when the server does not answer a round trip in time. */
  async ping(): Promise<void> {
    if (this.closing || this.nc.isClosed()) throw new Error('event bus is closed');
    if (!this.connected) throw new Error('event bus is disconnected from NATS (reconnecting)');
    await withTimeout(this.nc.rtt(), this.opts.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS, 'NATS did not answer a ping');
  }

  /** Stops consumers (in-flight handlers finish), then drains the connection. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await Promise.all([...this.consumers].map((c) => c.stop()));
      if (this.nc.isClosed()) return;
      if (!this.connected) return void (await this.nc.close()); // nothing to drain to
      try {
        await withTimeout(this.nc.drain(), CLOSE_TIMEOUT_MS, 'draining NATS timed out');
      } catch (err) {
        this.opts.logger.warn({ err }, 'event bus drain failed; closing');
        await this.nc.close();
      }
    })());
  }

  /** The newest dead letters, oldest first (reads the dead-letter stream). */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const { state } = await this.jsm.streams.info(this.deadLetterStreamName);
    const letters: DeadLetter[] = [];
    for (let seq = Math.max(state.first_seq, state.last_seq - limit + 1); seq <= state.last_seq && state.messages > 0; seq++) {
      const msg = await this.jsm.streams.getMessage(this.deadLetterStreamName, { seq });
      if (msg) letters.push(msg.json<DeadLetter>());
    }
    return letters;
  }

  private natsSubject(subject: string): string {
    return `${this.prefix}${subject}`;
  }

  private async publishDeadLetter(letter: DeadLetter, msgId: string): Promise<void> {
    const timeout = this.opts.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS;
    await this.js.publish(this.natsSubject(letter.subject), JSON.stringify(letter), { msgID: msgId, timeout });
  }

  private async ensureStreams(): Promise<void> {
    // One wildcard per first token of the contract subjects: user.>, post.>, ...
    const roots = [...new Set(contractSubjects.map((s) => s.split('.')[0]!))];
    await this.ensureStream({
      name: this.streamName,
      subjects: roots.map((root) => this.natsSubject(`${root}.>`)),
      max_age: nanos(EVENT_MAX_AGE_MS),
    });
    await this.ensureStream({
      name: this.deadLetterStreamName,
      subjects: [this.natsSubject(`${DEAD_LETTER_PREFIX}>`)],
      max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
    });
  }

  /** Create, or update when it exists with another configuration (a new contract subject, say). */
  private async ensureStream(cfg: Pick<StreamConfig, 'name' | 'subjects' | 'max_age'>): Promise<void> {
    const { name, ...changeable } = cfg;
    const update = { ...changeable, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
    try {
      await this.jsm.streams.add({ name, storage: StorageType.File, ...update });
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
      await this.jsm.streams.update(name, update);
      this.opts.logger.info({ stream: name }, 'updated event stream configuration');
    }
  }

  private watchConnection(): void {
    const log = this.opts.logger;
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect') {
          this.connected = false;
          log.warn({ server: s.server }, 'event bus disconnected from NATS');
        } else if (s.type === 'reconnect') {
          this.connected = true;
          log.info({ server: s.server }, 'event bus reconnected to NATS');
        } else if (s.type === 'error') log.error({ err: s.error }, 'event bus NATS error');
      }
    })().catch((err: unknown) => log.error({ err }, 'event bus status watcher failed'));
  }
}

/** EVENTS for no prefix, EVENTS_t_abc for `t_abc.`: stream names cannot contain dots. */
export function streamNameFor(prefix: string): string {
  const suffix = prefix.replace(/\.$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
  return suffix ? `${DEFAULT_STREAM_NAME}_${suffix}` : DEFAULT_STREAM_NAME;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
