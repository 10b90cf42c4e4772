import path from 'node:path';
import { createLogger, startSubgraph, type Logger, type ReadinessCheck, type RunningService } from '@social/kit';
import { createEventBus, type EventBus } from '@social/events';
import type { PostConfig } from './config';
import type { Context } from './context';
import { PostService } from './post-service';
import { resolvers } from './resolvers';
import { MemoryPostStore } from './stores/memory-post-store';
import { MongoPostStore } from './stores/mongo-post-store';
import type { PostStore } from './stores/post-store';

/** The pull feed's _recentPostIds call carries up to 5,000 author ids (~135 KB of JSON); clients stay far below. */
const MAX_REQUEST_BYTES = 256 * 1024;

export { parsePostConfig, type PostConfig } from './config';
export { MAX_POST_LENGTH, MAX_RECENT_AUTHORS, MAX_RECENT_POST_IDS } from './post-service';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface PostServiceDeps {
  /** The embedded default shares one in-process bus between every service. */
  bus?: EventBus;
  logger?: Logger;
  /** Tests inject a store (e.g. to count calls); otherwise it is built from config. */
  store?: PostStore;
}

/**
 * Starts the post subgraph: MongoDB when MONGODB_URI is set (indexes created before serving),
 * memory otherwise; events on NATS when NATS_URL is set, else an in-process bus.
 */
export async function startPostService(config: PostConfig, deps: PostServiceDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('post', config.LOG_LEVEL);
  const readiness: Record<string, ReadinessCheck> = {};
  const closers: (() => Promise<void>)[] = [];

  try {
    let store = deps.store;
    if (!store && config.MONGODB_URI) {
      const mongo = await MongoPostStore.connect({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB });
      closers.push(() => mongo.close());
      readiness['mongodb'] = () => mongo.ping();
      store = mongo;
    }
    store ??= new MemoryPostStore();

    let bus = deps.bus;
    if (!bus) {
      const own = await createEventBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger, name: 'post' });
      bus = own;
      closers.push(() => own.close());
      if (config.NATS_URL) readiness['nats'] = () => own.ping();
    }

    const posts = new PostService(store, bus, logger);
    return await startSubgraph<Context>({
      name: 'post',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      maxBodyBytes: MAX_REQUEST_BYTES,
      readiness,
      context: ({ caller, viewerId }) => ({ caller, viewerId, posts, loaders: { post: posts.createLoader() }, logger }),
      onShutdown: () => closeAll(closers, logger),
    });
  } catch (err) {
    await closeAll(closers, logger);
    throw err;
  }
}

/** Closes in reverse order of opening; one failure does not keep the others open. */
async function closeAll(closers: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const close of [...closers].reverse()) {
    await close().catch((err: unknown) => logger.warn({ err }, 'closing a dependency failed'));
  }
}
