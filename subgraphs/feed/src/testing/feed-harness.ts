import { JetStreamEventBus, MemoryEventBus, MemoryLiveBus, type EventBus } from '@social/events';
import { createLogger, newId } from '@social/kit';
import { Dispatcher } from '../fanout/dispatcher';
import type { FanoutQueue } from '../fanout/fanout-queue';
import { FanoutWorker } from '../fanout/fanout-worker';
import { JetStreamFanoutQueue } from '../fanout/jetstream-fanout-queue';
import { MemoryFanoutQueue } from '../fanout/memory-fanout-queue';
import { MemorySocialGraph } from '../sources/memory-social-graph';
import { MemoryTimelineStore } from '../stores/memory-timeline-store';
import { RedisTimelineStore } from '../stores/redis-timeline-store';
import { TIMELINE_CAP, type TimelineBound, type TimelineStore } from '../stores/timeline-store';
import { HybridTimeline } from '../timeline/hybrid-timeline';
import type { TimelineRead } from '../timeline/timeline-strategy';
import { deleteRedisKeys } from './redis-keys';

export const INACTIVE_AFTER_MS = 30 * 86_400_000;

export interface HarnessParts {
  bus: EventBus;
  queue: FanoutQueue;
  store: TimelineStore;
  close(): Promise<void>;
}

/**
 * The whole write and read path of the hybrid feed wired together, with a memory social graph the
 * test drives: each action changes the graph as the social-graph/post subgraphs would and publishes
 * the event they would publish. The same harness runs on memory doubles and on real Redis + NATS.
 */
export class FeedHarness {
  readonly graph = new MemorySocialGraph();
  readonly live = new MemoryLiveBus();
  readonly timeline: HybridTimeline;
  private readonly dispatcher: Dispatcher;
  private stopQueue?: () => Promise<void>;

  private constructor(
    readonly parts: HarnessParts,
    opts: { mode: 'hybrid' | 'push'; batchSize: number },
  ) {
    const logger = createLogger('feed-test', 'silent');
    const { bus, queue, store } = parts;
    this.dispatcher = new Dispatcher({
      bus,
      queue,
      store,
      followers: this.graph,
      live: this.live,
      logger,
      batchSize: opts.batchSize,
      mode: opts.mode,
    });
    const pullVips = opts.mode === 'hybrid';
    this.timeline = new HybridTimeline({
      store,
      following: this.graph,
      followers: this.graph,
      logger,
      inactiveAfterMs: INACTIVE_AFTER_MS,
      pullVips,
    });
  }

  static async start(
    parts: HarnessParts,
    opts: { mode?: 'hybrid' | 'push'; batchSize?: number; worker?: boolean } = {},
  ): Promise<FeedHarness> {
    const h = new FeedHarness(parts, { mode: opts.mode ?? 'hybrid', batchSize: opts.batchSize ?? 3 });
    if (opts.worker !== false) {
      const worker = new FanoutWorker({ store: parts.store, live: h.live, inactiveAfterMs: INACTIVE_AFTER_MS });
      h.stopQueue = (await parts.queue.consume(worker.apply)).stop;
    }
    await h.dispatcher.start();
    return h;
  }

  store(): TimelineStore {
    return this.parts.store;
  }

  async post(authorId: string): Promise<string> {
    const postId = newId();
    await this.parts.bus.publish('post.created', { postId, authorId, createdAt: new Date().toISOString() });
    return postId;
  }

  async deletePost(postId: string, authorId: string): Promise<void> {
    await this.parts.bus.publish('post.deleted', { postId, authorId });
  }

  async follow(followerId: string, followeeId: string): Promise<void> {
    this.graph.follow(followerId, followeeId);
    await this.parts.bus.publish('user.followed', { followerId, followeeId });
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    this.graph.unfollow(followerId, followeeId);
    await this.parts.bus.publish('user.unfollowed', { followerId, followeeId });
  }

  async block(blockerId: string, blockedId: string): Promise<void> {
    this.graph.unfollow(blockerId, blockedId).unfollow(blockedId, blockerId);
    await this.parts.bus.publish('user.blocked', { blockerId, blockedId });
  }

  async setVip(userId: string, isVip: boolean): Promise<void> {
    this.graph.setVip(userId, isVip);
    await this.parts.bus.publish('user.vip-changed', { userId, isVip, followerCount: 0 });
  }

  /** Makes a reader's last visit older than the inactivity line (pushes skip them from now on). */
  async goInactive(userId: string): Promise<void> {
    await this.parts.store.touch(userId, Date.now() - 2 * INACTIVE_AFTER_MS);
  }

  async read(
    viewerId: string,
    limit = 100,
    direction: 'older' | 'newer' = 'older',
    bound: TimelineBound | null = null,
  ): Promise<TimelineRead> {
    return this.timeline.read({ viewerId, limit, direction, bound });
  }

  /** Every post id on a reader's timeline, newest first, paging through it. */
  async readAll(viewerId: string, pageSize = 100): Promise<{ ids: string[]; status: TimelineRead['status'] }> {
    const ids: string[] = [];
    let bound: TimelineBound | null = null;
    let status: TimelineRead['status'] = 'READY';
    for (let pages = 0; pages < TIMELINE_CAP; pages++) {
      const page = await this.read(viewerId, pageSize, 'older', bound);
      if (page.status === 'REBUILDING') status = 'REBUILDING';
      ids.push(...page.entries.map((e) => e.postId));
      if (!page.hasMore || page.entries.length === 0) break;
      bound = page.entries[page.entries.length - 1]!;
    }
    return { ids, status };
  }

  async close(): Promise<void> {
    await this.dispatcher.stop();
    await this.stopQueue?.();
    await this.timeline.settled();
    await this.live.close();
    await this.parts.close();
  }
}

export function memoryParts(): HarnessParts & { queue: MemoryFanoutQueue } {
  const bus = new MemoryEventBus({ retryDelayMs: 5 });
  const queue = new MemoryFanoutQueue();
  const store = new MemoryTimelineStore();
  return { bus, queue, store, close: async () => (await queue.close(), await bus.close()) };
}

/** Real Redis and NATS, isolated by `name` (a Redis key prefix and a subject prefix). */
export async function realParts(
  urls: { redisUrl: string; natsUrl: string },
  name: string,
  shards = 4,
  timelineCap = TIMELINE_CAP,
): Promise<HarnessParts> {
  const logger = createLogger('feed-test', 'silent');
  const keyPrefix = `${name}:`;
  const subjectPrefix = `${name}.`;
  const store = await RedisTimelineStore.connect({ url: urls.redisUrl, keyPrefix, timelineCap });
  const bus = await JetStreamEventBus.connect({ servers: urls.natsUrl, subjectPrefix, logger, retryDelayMs: 50 });
  const queue = await JetStreamFanoutQueue.connect({ servers: urls.natsUrl, subjectPrefix, shards, logger });
  return {
    bus,
    queue,
    store,
    close: async () => {
      await queue.close();
      await bus.close();
      await store.close();
      await deleteRedisKeys(urls.redisUrl, keyPrefix);
    },
  };
}
