import path from 'node:path';
import {
  createLogger,
  InternalGraphQLClient,
  InternalSigner,
  startSubgraph,
  type Logger,
  type ReadinessCheck,
  type RunningService,
} from '@social/kit';
import type { EventBus } from '@social/events';
import type { FeedConfig } from './config';
import type { Context } from './context';
import { resolvers } from './resolvers';
import type { FollowingSource } from './sources/following-source';
import type { PostSource } from './sources/post-source';
import { HttpFollowingSource } from './sources/http-following-source';
import { HttpPostSource } from './sources/http-post-source';
import { createTimeline } from './timeline/create-timeline';

export { parseFeedConfig, type FeedConfig } from './config';

export interface FeedDeps {
  /**
   * Accepted for the signature every service shares. The pull strategy consumes no events, so the feed
   * opens no NATS connection yet; the hybrid feed (fan-out on post.created) will use this bus.
   */
  bus?: EventBus;
  logger?: Logger;
  /** Replace the HTTP sources (tests); an injected source has no upstream to check in /ready. */
  following?: FollowingSource;
  posts?: PostSource;
}

const HEALTH_TIMEOUT_MS = 2_000; // a healthy service answers /health in milliseconds; /ready must not hang on a dead one

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

/** Starts the feed subgraph: the home timeline, assembled by the strategy TIMELINE_STRATEGY names. */
export async function startFeedService(config: FeedConfig, deps: FeedDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('feed', config.LOG_LEVEL);
  const signer = new InternalSigner(config.INTERNAL_AUTH_SECRET, 'feed');
  const readiness: Record<string, ReadinessCheck> = {};

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
  const timeline = createTimeline(config.TIMELINE_STRATEGY, { following, posts });
  logger.info({ strategy: timeline.name }, 'home timeline strategy');

  return startSubgraph<Context>({
    name: 'feed',
    schemaPath: SCHEMA_PATH,
    resolvers,
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    context: ({ caller, viewerId }) => ({ caller, viewerId, timeline }),
    readiness,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    // Nothing of its own to close: HTTP keep-alive sockets to the upstreams close with the process.
    onShutdown: async () => {},
  });
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
