import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from '@social/kit';
import { FANOUT_MAX_DELIVER, shardOf, type FanoutBatch, type FanoutQueue } from './fanout-queue';

const DUPLICATE_WINDOW_MS = 2 * 60_000; // a dispatcher redelivered after a crash re-publishes within this
const ACK_WAIT_MS = 10_000; // a batch takes milliseconds; a worker silent this long is presumed dead
const RETRY_DELAY_MS = 500; // a failed batch waits this (doubling) before the next try
const PULL_AHEAD = 4; // batches buffered per shard per worker: keeps Redis busy without hoarding work
const API_TIMEOUT_MS = 5_000;
const STREAM_EXISTS = 10058;
const CONSUMER_EXISTS = 10148;

export interface JetStreamFanoutQueueOptions {
  servers: string;
  /** The deployment's subject prefix (EVENT_SUBJECT_PREFIX), e.g. `t_abc.`. */
  subjectPrefix: string;
  shards: number;
  logger: Logger;
  name?: string;
}

/**
 * The fan-out work queue on JetStream: one stream with work-queue retention (a batch is deleted once
 * acknowledged), subjects `<prefix>fanout.<shard>`, and one durable pull consumer per shard shared by
 * every worker process (explicit ack; a dead worker's unacknowledged batches are redelivered to the
 * others after ACK_WAIT_MS). After FANOUT_MAX_DELIVER failures a batch goes to
 * `<prefix>dlq.fanout.<shard>`, which the event bus's dead-letter stream keeps.
 */
export class JetStreamFanoutQueue implements FanoutQueue {
  readonly streamName: string;
  private readonly running = new Set<ConsumerMessages>();
  private readonly loops = new Set<Promise<void>>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly opts: JetStreamFanoutQueueOptions,
  ) {
    const suffix = opts.subjectPrefix.replace(/\.$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
    this.streamName = suffix ? `FANOUT_${suffix}` : 'FANOUT';
  }

  static async connect(opts: JetStreamFanoutQueueOptions): Promise<JetStreamFanoutQueue> {
    const nc = await connect({
      servers: opts.servers.split(',').map((s) => s.trim()),
      name: opts.name ? `${opts.name}-fanout` : 'fanout',
      maxReconnectAttempts: -1,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: API_TIMEOUT_MS });
      const queue = new JetStreamFanoutQueue(nc, jetstream(nc, { timeout: API_TIMEOUT_MS }), jsm, opts);
      await queue.ensureStream();
      return queue;
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  async publish(batch: FanoutBatch, id: string): Promise<void> {
    const shard = shardOf(id, this.opts.shards);
    await this.js.publish(this.subject(shard), JSON.stringify(batch), { msgID: id, timeout: API_TIMEOUT_MS });
  }

  async consume(handler: (batch: FanoutBatch) => Promise<void>): Promise<{ stop(): Promise<void> }> {
    const mine = new Set<ConsumerMessages>();
    for (let shard = 0; shard < this.opts.shards; shard++) {
      await this.ensureConsumer(shard);
      const consumer = await this.js.consumers.get(this.streamName, durableOf(shard));
      const messages = await consumer.consume({ max_messages: PULL_AHEAD });
      mine.add(messages);
      this.running.add(messages);
      const loop = this.run(messages, shard, handler);
      this.loops.add(loop);
      void loop.finally(() => this.loops.delete(loop));
    }
    return {
      stop: async () => {
        for (const m of mine) {
          this.running.delete(m);
          await m.close();
        }
      },
    };
  }

  /** Batches waiting or in flight (benchmarks, tests). */
  async pending(): Promise<number> {
    return (await this.jsm.streams.info(this.streamName)).state.messages;
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map((m) => m.close()));
    await Promise.all([...this.loops]);
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  private subject(shard: number): string {
    return `${this.opts.subjectPrefix}fanout.${shard}`;
  }

  private async run(messages: ConsumerMessages, shard: number, handler: (batch: FanoutBatch) => Promise<void>): Promise<void> {
    try {
      for await (const msg of messages) await this.handle(msg, shard, handler);
    } catch (err) {
      this.opts.logger.error({ err, shard }, 'fan-out consumer stopped on an error');
    }
  }

  private async handle(msg: JsMsg, shard: number, handler: (batch: FanoutBatch) => Promise<void>): Promise<void> {
    try {
      await handler(msg.json<FanoutBatch>());
      msg.ack();
    } catch (err) {
      const attempt = msg.info.deliveryCount;
      if (attempt < FANOUT_MAX_DELIVER) {
        this.opts.logger.warn({ err, shard, attempt }, 'fan-out batch failed; will retry');
        msg.nak(RETRY_DELAY_MS * 2 ** (attempt - 1));
        return;
      }
      try {
        const letter = {
          subject: `dlq.fanout.${shard}`,
          batch: msg.string(),
          error: String(err),
          deliveries: attempt,
          failedAt: new Date().toISOString(),
        };
        await this.js.publish(`${this.opts.subjectPrefix}dlq.fanout.${shard}`, JSON.stringify(letter), {
          msgID: `fanout.${msg.info.stream}.${msg.seq}`,
          timeout: API_TIMEOUT_MS,
        });
        this.opts.logger.error({ err, shard, deliveries: attempt }, 'fan-out batch dead-lettered');
        msg.term(String(err).slice(0, 200));
      } catch (dlqErr) {
        this.opts.logger.error({ err: dlqErr, shard }, 'could not dead-letter a fan-out batch; leaving it for redelivery');
        msg.nak(RETRY_DELAY_MS);
      }
    }
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.streamName,
      subjects: [`${this.opts.subjectPrefix}fanout.*`],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    };
    try {
      await this.jsm.streams.add(config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === STREAM_EXISTS)) throw err;
    }
  }

  private async ensureConsumer(shard: number): Promise<void> {
    try {
      await this.jsm.consumers.add(this.streamName, {
        durable_name: durableOf(shard),
        filter_subject: this.subject(shard),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(ACK_WAIT_MS),
        max_deliver: FANOUT_MAX_DELIVER + 1, // the spare delivery dead-letters a batch whose last try never finished
      });
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === CONSUMER_EXISTS)) throw err;
    }
  }
}

const durableOf = (shard: number) => `fanout-${shard}`;
