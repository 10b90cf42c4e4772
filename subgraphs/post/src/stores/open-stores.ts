import type { Logger, ReadinessCheck } from '@social/kit';
import type { PostConfig } from '../config';
import type { CommentStore } from './comment-store';
import type { CounterStore } from './counter-store';
import { DirectCounterStore } from './direct-counter-store';
import type { LikeStore } from './like-store';
import { MemoryCommentStore } from './memory-comment-store';
import { MemoryCounterStore } from './memory-counter-store';
import { MemoryLikeStore } from './memory-like-store';
import { MemoryPostStore } from './memory-post-store';
import { MongoCommentStore } from './mongo-comment-store';
import { connectMongo } from './mongo-connection';
import { MongoLikeStore } from './mongo-like-store';
import { MongoPostStore } from './mongo-post-store';
import type { PostStore } from './post-store';
import { RedisCounterStore } from './redis-counter-store';

export interface Stores {
  posts: PostStore;
  likes: LikeStore;
  comments: CommentStore;
  counters: CounterStore;
}

export interface OpenedStores extends Stores {
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

/**
 * MongoDB for posts, likes and comments when MONGODB_URI is set (one connection, indexes created
 * before serving), Redis for the write-behind counters when REDIS_URL is set; memory otherwise.
 * Stores given in `injected` (tests) are used as they are.
 */
export async function openStores(config: PostConfig, logger: Logger, injected: Partial<Stores> = {}): Promise<OpenedStores> {
  const readiness: Record<string, ReadinessCheck> = {};
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'closing a store failed'));
  };
  try {
    let { posts, likes, comments, counters } = injected;
    if (config.MONGODB_URI && !(posts && likes && comments)) {
      const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
      closers.push(() => connection.close());
      const mongoPosts = await MongoPostStore.open(connection);
      readiness['mongodb'] = () => mongoPosts.ping();
      posts ??= mongoPosts;
      likes ??= await MongoLikeStore.open(connection);
      comments ??= await MongoCommentStore.open(connection);
    }
    posts ??= new MemoryPostStore();
    if (config.COUNTER_STORE === 'direct' && !counters) counters = new DirectCounterStore(posts);
    if (config.REDIS_URL && !counters) {
      const redis = await RedisCounterStore.connect({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
      closers.push(() => redis.close());
      readiness['redis'] = () => redis.ping();
      counters = redis;
    }
    return {
      posts,
      likes: likes ?? new MemoryLikeStore(),
      comments: comments ?? new MemoryCommentStore(),
      counters: counters ?? new MemoryCounterStore(),
      readiness,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
