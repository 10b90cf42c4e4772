import path from 'node:path';
import {
  createLogger,
  createMetricsRegistry,
  InternalGraphQLClient,
  InternalSigner,
  startSubgraph,
  type Logger,
  type ReadinessCheck,
  type RunningService,
} from '@social/kit';
import type { EventBus, LivePublisher } from '@social/events';
import type { FeedConfig } from './config';
import type { Context } from './context';
import { resolvers } from './resolvers';
import type { FollowingSource } from './sources/following-source';
import type { PostSource } from './sources/post-source';
import { HttpFollowingSource } from './sources/http-following-source';
import { HttpPostSource } from './sources/http-post-source';
import type { FollowerSource } from './sources/follower-source';
import { HttpFollowerSource } from './sources/http-follower-source';
import type { TimelineStore } from './stores/timeline-store';
import type { FanoutQueue } from './fanout/fanout-queue';
import { openFanoutParts, startFanout } from './fanout/start-fanout';
import { createTimeline } from './timeline/create-timeline';
import { HybridTimeline } from './timeline/hybrid-timeline';

export { parseFeedConfig, type FeedConfig } from './config';
// The write path's parts, for the benchmarks (bench/scenarios/timeline-*.ts) that drive them directly.
export { Dispatcher } from './fanout/dispatcher';
export { FanoutWorker } from './fanout/fanout-worker';
export { JetStreamFanoutQueue } from './fanout/jetstream-fanout-queue';
export type { FanoutBatch, FanoutQueue } from './fanout/fanout-queue';
export { RedisTimelineStore } from './stores/redis-timeline-store';
export { MemorySocialGraph } from './sources/memory-social-graph';
export { HybridTimeline } from './timeline/hybrid-timeline';

export interface FeedDeps {
  /**
   * The domain events the fan-out dispatcher consumes (hybrid, push-only). Absent: one from NATS_URL
   * (or in-process). The pull strategy consumes no events and opens no connection.
   */
  bus?: EventBus;
  logger?: Logger;
  /** Replace the HTTP sources (tests); an injected source has no upstream to check in /ready. */
  following?: FollowingSource;
  posts?: PostSource;
  followers?: FollowerSource;
  /** Replace the timeline store, work queue or live publisher (tests); injected ones are not closed here. */
  store?: TimelineStore;
  queue?: FanoutQueue;
  live?: LivePublisher;
}

const HEALTH_TIMEOUT_MS = 2_000; // a healthy service answers /health in milliseconds; /ready must not hang on a dead one

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

/** Starts the feed subgraph: the home timeline, assembled by the strategy TIMELINE_STRATEGY names. */
export async function startFeedService(config: FeedConfig, deps: FeedDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('feed', config.LOG_LEVEL);
  const signer = new InternalSigner(config.INTERNAL_AUTH_SECRET, 'feed');
  const readiness: Record<string, ReadinessCheck> = {};
  const metrics = createMetricsRegistry('feed');

  let following = deps.following;
  if (!following) {
    following = new HttpFollowingSource(new InternalGraphQLClient(config.SOCIAL_GRAPH_URL, signer, 'social graph'));
    readiness['social-graph'] = upstreamHealth('social graph', config.SOCIAL_GRAPH_URL);
  }
  let posts = deps.posts;
  if (!posts) {
    posts = new HttpPostSource(new InternalGraphQLClient(config.POST_URL, signer, 'post'));
    readiness['post'] = upstreamHealth('post', config.POST_URL);
  }
  const followers = deps.followers ?? new HttpFollowerSource(new InternalGraphQLClient(config.SOCIAL_GRAPH_URL, signer, 'social graph'));

  // hybrid and push-only keep timelines (store) filled by the fan-out (bus -> dispatcher -> queue -> workers).
  const stored = config.TIMELINE_STRATEGY !== 'pull';
  const parts = stored ? await openFanoutParts(config, { ...deps, logger }, config.FANOUT_IN_PROCESS) : undefined;
  let fanout: { stop(): Promise<void> } | undefined;
  try {
    if (parts?.bus && config.FANOUT_IN_PROCESS)
      fanout = await startFanout(config, { ...parts, bus: parts.bus }, followers, logger, metrics);
  } catch (err) {
    await parts?.close();
    throw err;
  }
  const bus = parts?.bus;
  if (bus) readiness['events'] = () => bus.ping();
  const store = parts?.store;
  if (store) readiness['timelines'] = () => store.ping();
  const timeline = createTimeline(config.TIMELINE_STRATEGY, {
    following,
    posts,
    followers,
    store: parts?.store,
    logger,
    inactiveAfterMs: config.INACTIVE_AFTER_DAYS * 86_400_000,
  });
  logger.info({ strategy: timeline.name, fanoutInProcess: Boolean(fanout) }, 'home timeline strategy');

  const shutdown = async () => {
    await fanout?.stop();
    if (timeline instanceof HybridTimeline) await timeline.settled(); // rebuilds in flight write to the store
    await parts?.close();
  };
  try {
    return await startSubgraph<Context>({
      name: 'feed',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      metrics,
      metricsToken: config.METRICS_TOKEN,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      context: ({ caller, viewerId }) => ({ caller, viewerId, timeline }),
      readiness,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      // HTTP keep-alive sockets to the upstreams close with the process; the fan-out's connections here.
      onShutdown: shutdown,
    });
  } catch (err) {
    await shutdown();
    throw err;
  }
}

/** The upstream's /health (same origin as its /graphql) answers 2xx, or the feed is not ready. */
export function upstreamHealth(name: string, graphqlUrl: string): ReadinessCheck {
  const healthUrl = new URL('/health', graphqlUrl).toString();
  return async () => {
    let res: Response;
    try {
      res = await fetch(healthUrl, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    } catch {
      throw new Error(`the ${name} service is not answering at ${healthUrl}`);
    }
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the ${name} service's /health answered ${res.status}`);
  };
}
