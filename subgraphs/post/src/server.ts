import path from 'node:path';
import { createLogger, InternalGraphQLClient, InternalSigner, startSubgraph, type Logger, type RunningService } from '@social/kit';
import { createEventBus, createLiveBus, type EventBus, type LivePublisher } from '@social/events';
import { CommentService } from './comment-service';
import type { PostConfig } from './config';
import type { Context, Services } from './context';
import { CountReader } from './counters/count-reader';
import { LikeService } from './like-service';
import { GraphQLUserDirectory, MemoryUserDirectory, type UserDirectory } from './mentions/user-directory';
import { OutboxDispatcher } from './outbox/dispatcher';
import { PostService } from './post-service';
import { resolvers } from './resolvers';
import { openStores, type Stores } from './stores/open-stores';
import { ViewService } from './view-service';
import type { FlushHooks } from './workers/counter-flusher';
import { startWorkers, type Workers } from './workers/start-workers';

/** The pull feed's _recentPostIds call carries up to 5,000 author ids (~135 KB of JSON); clients stay far below. */
const MAX_REQUEST_BYTES = 256 * 1024;

export { parsePostConfig, type PostConfig } from './config';
export { MAX_POST_LENGTH, MAX_RECENT_AUTHORS, MAX_RECENT_POST_IDS } from './post-service';
export { MAX_VIEW_BATCH } from './view-service';
export type { Workers } from './workers/start-workers';
export type { FlushResult } from './workers/counter-flusher';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface PostServiceDeps {
  /** The embedded default shares one in-process bus between every service. */
  bus?: EventBus;
  /** Live events; the embedded default shares one in-process live bus with the gateway. */
  live?: LivePublisher;
  logger?: Logger;
  /** Tests inject stores (e.g. to count calls); the others are built from config. */
  stores?: Partial<Stores>;
  /** Tests inject who exists; otherwise the user subgraph at USER_URL is asked. */
  users?: UserDirectory;
  /** Crash points for the flusher tests. */
  flushHooks?: FlushHooks;
}

/** The running service, with its background workers reachable for tests and operations. */
export interface PostRunningService extends RunningService {
  workers: Workers;
}

/**
 * Starts the post subgraph and its workers: stores from config (MongoDB, Redis, or memory), events
 * on NATS when NATS_URL is set (else an in-process bus), live events on core NATS likewise.
 */
export async function startPostService(config: PostConfig, deps: PostServiceDeps = {}): Promise<PostRunningService> {
  const logger = deps.logger ?? createLogger('post', config.LOG_LEVEL);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of [...closers].reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'closing a dependency failed'));
  };

  try {
    const stores = await openStores(config, logger, deps.stores);
    closers.push(() => stores.close());
    const readiness = { ...stores.readiness };

    let bus = deps.bus;
    if (!bus) {
      const own = await createEventBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger, name: 'post' });
      bus = own;
      closers.push(() => own.close());
      if (config.NATS_URL) readiness['nats'] = () => own.ping();
    }
    let live = deps.live;
    if (!live) {
      const own = await createLiveBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger, name: 'post' });
      live = own;
      closers.push(() => own.close());
    }

    const services = buildServices(stores, bus, live, usersFor(config, deps, logger), logger);
    const workers = startWorkers(stores, services.dispatcher, config, logger, deps.flushHooks);
    closers.push(() => workers.stop());

    const running = await startSubgraph<Context>({
      name: 'post',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      metricsToken: config.METRICS_TOKEN,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      maxBodyBytes: MAX_REQUEST_BYTES,
      readiness,
      context: ({ caller, viewerId }) => ({
        caller,
        viewerId,
        ...services,
        loaders: {
          post: services.posts.createLoader(),
          comment: services.comments.createLoader(),
          counts: services.counts.createLoader(),
          viewerLikes: services.likes.createViewerLikesLoader(viewerId),
        },
        logger,
      }),
      onShutdown: closeAll,
    });
    return { ...running, workers };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function buildServices(
  stores: Stores,
  bus: EventBus,
  live: LivePublisher,
  users: UserDirectory,
  logger: Logger,
): Services & { dispatcher: OutboxDispatcher } {
  const counts = new CountReader(stores.posts, stores.counters, logger);
  const dispatcher = new OutboxDispatcher({ counters: stores.counters, bus, live, counts, logger });
  return {
    dispatcher,
    counts,
    posts: new PostService(stores.posts, dispatcher, users),
    likes: new LikeService(stores.posts, stores.likes, dispatcher),
    comments: new CommentService(stores.posts, stores.comments, dispatcher, users),
    views: new ViewService(stores.counters, logger),
  };
}

function usersFor(config: PostConfig, deps: PostServiceDeps, logger: Logger): UserDirectory {
  if (deps.users) return deps.users;
  if (config.USER_URL) {
    return new GraphQLUserDirectory(
      new InternalGraphQLClient(config.USER_URL, new InternalSigner(config.INTERNAL_AUTH_SECRET, 'post'), 'user'),
    );
  }
  logger.warn('USER_URL is not set: @mentions will not resolve to anyone');
  return new MemoryUserDirectory();
}
