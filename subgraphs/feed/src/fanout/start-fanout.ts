import { createEventBus, createLiveBus, type EventBus, type LivePublisher } from '@social/events';
import type { Logger, Registry } from '@social/kit';
import type { FeedConfig } from '../config';
import type { FollowerSource } from '../sources/follower-source';
import { MemoryTimelineStore } from '../stores/memory-timeline-store';
import { RedisTimelineStore } from '../stores/redis-timeline-store';
import type { TimelineStore } from '../stores/timeline-store';
import { Dispatcher } from './dispatcher';
import type { FanoutQueue } from './fanout-queue';
import { FanoutMetrics } from './fanout-metrics';
import { FanoutWorker } from './fanout-worker';
import { JetStreamFanoutQueue } from './jetstream-fanout-queue';
import { MemoryFanoutQueue } from './memory-fanout-queue';

const DAY_MS = 86_400_000;

export interface FanoutDeps {
  bus?: EventBus;
  store?: TimelineStore;
  queue?: FanoutQueue;
  live?: LivePublisher;
  logger: Logger;
}

/** The write path's parts, built the same way in every mode: memory doubles without REDIS_URL/NATS_URL. */
export interface FanoutParts {
  store: TimelineStore;
  queue: FanoutQueue;
  live: LivePublisher;
  bus?: EventBus;
  /** Stops consuming, then closes what this call opened (injected parts are the caller's to close). */
  close(): Promise<void>;
}

export async function openFanoutParts(config: FeedConfig, deps: FanoutDeps, needBus: boolean): Promise<FanoutParts> {
  const owned: { close(): Promise<void> }[] = [];
  const own = <T extends { close(): Promise<void> }>(x: T) => (owned.push(x), x);
  try {
    const store =
      deps.store ??
      own(
        config.REDIS_URL
          ? await RedisTimelineStore.connect({
              url: config.REDIS_URL,
              keyPrefix: config.REDIS_KEY_PREFIX,
              timelineCap: config.TIMELINE_CAP,
              evictAfterSeconds: (config.INACTIVE_AFTER_DAYS * 2 * DAY_MS) / 1000, // readers gone twice the inactivity line lose their timeline
              logger: deps.logger,
            })
          : new MemoryTimelineStore(config.TIMELINE_CAP),
      );
    const queue =
      deps.queue ??
      own(
        config.NATS_URL
          ? await JetStreamFanoutQueue.connect({
              servers: config.NATS_URL,
              subjectPrefix: config.EVENT_SUBJECT_PREFIX,
              shards: config.FANOUT_SHARDS,
              logger: deps.logger,
              name: 'feed',
            })
          : new MemoryFanoutQueue(),
      );
    const live =
      deps.live ??
      own(await createLiveBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger: deps.logger, name: 'feed' }));
    const bus =
      deps.bus ??
      (needBus
        ? own(
            await createEventBus({
              natsUrl: config.NATS_URL,
              subjectPrefix: config.EVENT_SUBJECT_PREFIX,
              logger: deps.logger,
              name: 'feed',
            }),
          )
        : undefined);
    return { store, queue, live, bus, close: () => closeAll(owned.reverse()) };
  } catch (err) {
    await closeAll(owned.reverse());
    throw err;
  }
}

/** Starts a fan-out worker on `parts.queue` (also the whole of a worker-only process); returns its stop. */
export async function startFanoutWorker(config: FeedConfig, parts: FanoutParts, metrics?: Registry): Promise<{ stop(): Promise<void> }> {
  const worker = new FanoutWorker({
    store: parts.store,
    live: parts.live,
    inactiveAfterMs: config.INACTIVE_AFTER_DAYS * DAY_MS,
    metrics: new FanoutMetrics(metrics),
  });
  return parts.queue.consume(worker.apply);
}

/** Starts the dispatcher and a fan-out worker on `parts`; returns their stop. */
export async function startFanout(
  config: FeedConfig,
  parts: FanoutParts & { bus: EventBus },
  followers: FollowerSource,
  logger: Logger,
  metrics?: Registry,
): Promise<{ stop(): Promise<void> }> {
  const consuming = await startFanoutWorker(config, parts, metrics);
  const dispatcher = new Dispatcher({
    bus: parts.bus,
    queue: parts.queue,
    store: parts.store,
    followers,
    live: parts.live,
    logger,
    batchSize: config.FANOUT_BATCH_SIZE,
    mode: config.TIMELINE_STRATEGY === 'push-only' ? 'push' : 'hybrid',
  });
  await dispatcher.start();
  return {
    stop: async () => {
      await dispatcher.stop();
      await consuming.stop();
    },
  };
}

async function closeAll(parts: { close(): Promise<void> }[]): Promise<void> {
  for (const p of parts) await p.close().catch(() => undefined);
}
