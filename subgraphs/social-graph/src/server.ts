import path from 'node:path';
import { createLogger, startSubgraph, type Logger, type ReadinessCheck, type RunningService } from '@social/kit';
import { createEventBus, type EventBus } from '@social/events';
import type { SocialGraphConfig } from './config';
import type { Context } from './context';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { FollowGraph } from './stores/follow-graph';
import { MemoryFollowGraph } from './stores/memory-follow-graph';
import { createNeo4jDriver, Neo4jFollowGraph } from './stores/neo4j-follow-graph';
import { HttpUserDirectory } from './users/http-user-directory';
import type { UserDirectory } from './users/user-directory';

export { parseSocialGraphConfig, type SocialGraphConfig } from './config';
export { MAX_FOLLOWING_IDS } from './resolvers/Query';
export type { FollowGraph } from './stores/follow-graph';
export type { UserDirectory } from './users/user-directory';
export { MemoryUserDirectory } from './users/memory-user-directory';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface SocialGraphServiceDeps {
  /** The embedded default shares one in-process bus between every service. */
  bus?: EventBus;
  logger?: Logger;
  /** Tests seed a MemoryUserDirectory so the user service need not run; otherwise USER_URL is asked. */
  users?: UserDirectory;
  /** Tests inject a graph (e.g. to count calls); otherwise it is built from config. */
  graph?: FollowGraph;
}

/**
 * Starts the social-graph subgraph: Neo4j when NEO4J_URI is set (the unique constraint created
 * before serving), memory otherwise; events on NATS when NATS_URL is set, else an in-process bus.
 */
export async function startSocialGraphService(config: SocialGraphConfig, deps: SocialGraphServiceDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('social-graph', config.LOG_LEVEL);
  const readiness: Record<string, ReadinessCheck> = {};
  const closers: (() => Promise<void>)[] = [];

  try {
    let graph = deps.graph;
    if (!graph && config.NEO4J_URI) {
      const neo4j = new Neo4jFollowGraph(
        createNeo4jDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD }),
        config.NEO4J_LABEL_PREFIX,
      );
      closers.push(() => neo4j.close());
      await neo4j.ensureSchema();
      readiness['neo4j'] = () => neo4j.ping();
      graph = neo4j;
    }
    graph ??= new MemoryFollowGraph();
    const follows = graph;

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
    const events = bus;

    const users = deps.users ?? new HttpUserDirectory(config.USER_URL, config.INTERNAL_AUTH_SECRET);

    return await startSubgraph<Context>({
      name: 'social-graph',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      readiness,
      context: ({ caller, viewerId }) => ({
        caller,
        viewerId,
        graph: follows,
        users,
        bus: events,
        logger,
        loaders: createLoaders(follows),
      }),
      onShutdown: () => closeAll(closers),
    });
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

/** Closes in reverse order of opening; one failure does not keep the others open. */
async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of [...closers].reverse()) {
    await close().catch(() => undefined);
  }
}
