import path from 'node:path';
import { createLogger, startSubgraph, type Logger, type RunningService } from '@social/kit';
import { createEventBus, type EventBus } from '@social/events';
import type { SocialGraphConfig } from './config';
import type { Context } from './context';
import { degradedExtensionsPlugin } from './degraded';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { closeAll, createRuntime, openStores, type Runtime, type StoreOverrides } from './runtime';
import { HttpUserDirectory } from './users/http-user-directory';
import type { UserDirectory } from './users/user-directory';

export { parseSocialGraphConfig, type SocialGraphConfig } from './config';
export { MAX_FOLLOWING_IDS } from './resolvers/Query';
export type { FollowGraph } from './stores/follow-graph';
export type { GraphStores } from './stores/graph-stores';
export type { UserDirectory } from './users/user-directory';
export { MemoryUserDirectory } from './users/memory-user-directory';
export { openStores, createRuntime, type Runtime, type Stores } from './runtime';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface SocialGraphServiceDeps extends StoreOverrides {
  /** The embedded default shares one in-process bus between every service. */
  bus?: EventBus;
  logger?: Logger;
  /** Tests seed a MemoryUserDirectory so the user service need not run; otherwise USER_URL is asked. */
  users?: UserDirectory;
  /** Tests reach the running services and workers (the relay, the batch job) through this. */
  onRuntime?: (runtime: Runtime) => void;
}

/**
 * Starts the social-graph subgraph: Neo4j when NEO4J_URI is set (constraints and indexes created
 * before serving), Redis when REDIS_URL is set, memory otherwise; events on NATS when NATS_URL is
 * set, else an in-process bus. Also starts the workers: the outbox relay (which first publishes
 * whatever an earlier process left), the popular-accounts refresh and the suggestions batch job.
 */
export async function startSocialGraphService(config: SocialGraphConfig, deps: SocialGraphServiceDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('social-graph', config.LOG_LEVEL);
  const closers: (() => Promise<void>)[] = [];

  try {
    const stores = await openStores(config, deps);
    closers.push(() => stores.close());
    const readiness = { ...stores.readiness };

    let bus = deps.bus;
    if (!bus) {
      const own = await createEventBus({
        natsUrl: config.NATS_URL,
        subjectPrefix: config.EVENT_SUBJECT_PREFIX,
        logger,
        name: 'social-graph',
      });
      bus = own;
      closers.push(() => own.close());
      if (config.NATS_URL) readiness['nats'] = () => own.ping();
    }

    const runtime = createRuntime(config, stores, bus, logger);
    runtime.startWorkers();
    closers.push(() => runtime.stopWorkers());
    deps.onRuntime?.(runtime);

    const users = deps.users ?? new HttpUserDirectory(config.USER_URL, config.INTERNAL_AUTH_SECRET);
    const discovery = stores.graph.discovery;

    return await startSubgraph<Context>({
      name: 'social-graph',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      metricsToken: config.METRICS_TOKEN,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      readiness,
      plugins: [degradedExtensionsPlugin<Context>()],
      context: ({ caller, viewerId }) => {
        if (viewerId) runtime.activity.seen(viewerId);
        return {
          caller,
          viewerId,
          relationships: runtime.relationships,
          discovery,
          suggestions: runtime.suggestions,
          users,
          logger,
          loaders: createLoaders(runtime.relationships, discovery, viewerId),
          degraded: [],
        };
      },
      // Workers stop before the stores close (closers run in reverse order).
      onShutdown: () => closeAll(closers),
    });
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}
