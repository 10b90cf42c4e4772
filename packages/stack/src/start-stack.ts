import { randomBytes } from 'node:crypto';
import { createLogger, type Logger, type RunningService } from '@social/kit';
import { MemoryEventBus, MemoryLiveBus, type EventBus } from '@social/events';
import { parseUserConfig, startUserService, type UserServiceDeps } from '@social/user';
import { parseSocialGraphConfig, startSocialGraphService } from '@social/social-graph';
import { parsePostConfig, startPostService, type PostServiceDeps } from '@social/post';
import { parseFeedConfig, startFeedService } from '@social/feed';
import { parseNotificationConfig, startNotificationService } from '@social/notification';
import { parseGatewayConfig, startGateway } from '@social/gateway';

/** Where the real servers are, and a name that keeps this stack's data apart from every other. */
export interface RealStores {
  mongodbUri: string;
  neo4jUri: string;
  redisUrl: string;
  natsUrl: string;
  /** Prefix for database names, Neo4j labels, Redis keys and NATS subjects. */
  isolation: string;
}

export interface StackOptions {
  /** Absent: memory stores and one in-process event bus (the embedded default). */
  real?: RealStores;
  /** 0 (default) picks free ports; the embedded default uses the fixed ports of supergraph.yaml. */
  ports?: { gateway: number; user: number; socialGraph: number; post: number; feed: number; notification?: number };
  logLevel?: string;
  /** Shared secrets for this stack; random per stack unless given. */
  secrets?: { internal: string; accessToken: string };
  nodeEnv?: 'development' | 'test' | 'production';
  /** Extra settings for the post service (tests shorten or disable its worker intervals). */
  postEnv?: Record<string, string>;
  /**
   * Extra settings for the feed service, e.g. TIMELINE_STRATEGY. The stack runs the feed's default
   * (`hybrid`: timelines fill asynchronously through fan-out, so a reader sees a new post moments after
   * it is published); benchmarks pass { TIMELINE_STRATEGY: 'pull' } or 'push-only' for the baselines.
   */
  feedEnv?: Record<string, string>;
  /** Extra settings for the social graph, e.g. VIP_THRESHOLD (tests make VIPs of accounts with a few followers). */
  socialGraphEnv?: Record<string, string>;
  /** Extra settings for the gateway, e.g. its rate limits (RATE_LIMIT_PER_IP) or breaker timings. */
  gatewayEnv?: Record<string, string>;
  /**
   * Stores for the user and post services instead of the ones their config opens: a benchmark holds a
   * dataset's documents in memory when the MongoDB-wire server at hand cannot serve them at that scale.
   */
  userStores?: UserServiceDeps['stores'];
  postStores?: PostServiceDeps['stores'];
}

export interface Stack {
  gatewayUrl: string;
  services: Record<'user' | 'socialGraph' | 'post' | 'feed' | 'notification' | 'gateway', RunningService>;
  secrets: { internal: string; accessToken: string };
  bus: EventBus | undefined;
  /** The in-process live bus of the embedded mode (undefined on real servers, where live events go through NATS). */
  live: MemoryLiveBus | undefined;
  stop(): Promise<void>;
}

const randomSecret = () => randomBytes(32).toString('base64url');

/**
 * Starts every subgraph and the gateway in this process, each on its own HTTP port exactly as they
 * would run apart, wired by URL. Used by `npm start` (memory stores) and the end-to-end tests (real
 * servers). Subgraphs start before their dependants: social-graph asks user, feed asks social-graph
 * and post.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const secrets = opts.secrets ?? { internal: randomSecret(), accessToken: randomSecret() };
  const ports = opts.ports ?? { gateway: 0, user: 0, socialGraph: 0, post: 0, feed: 0, notification: 0 };
  const logLevel = opts.logLevel ?? 'warn';
  const logger = (name: string): Logger => createLogger(name, logLevel);
  const bus = opts.real ? undefined : new MemoryEventBus();
  // Live events: one in-process bus shared by producers and the gateway; in real mode each connects to NATS_URL.
  const live = opts.real ? undefined : new MemoryLiveBus();
  const iso = opts.real?.isolation;
  const common = {
    NODE_ENV: opts.nodeEnv ?? 'development',
    LOG_LEVEL: logLevel,
    INTERNAL_AUTH_SECRET: secrets.internal,
    NATS_URL: opts.real?.natsUrl,
    EVENT_SUBJECT_PREFIX: iso ? `${iso}.` : undefined,
  };
  const started: RunningService[] = [];
  const track = (s: RunningService) => (started.push(s), s);

  try {
    const user = track(
      await startUserService(
        parseUserConfig({
          ...common,
          PORT: String(ports.user),
          ACCESS_TOKEN_SECRET: secrets.accessToken,
          MONGODB_URI: opts.real?.mongodbUri,
          MONGODB_DB: iso && `${iso}_user`,
        }),
        { bus, logger: logger('user'), ...(opts.userStores ? { stores: opts.userStores } : {}) },
      ),
    );
    const socialGraph = track(
      await startSocialGraphService(
        parseSocialGraphConfig({
          ...common,
          PORT: String(ports.socialGraph),
          NEO4J_URI: opts.real?.neo4jUri,
          NEO4J_LABEL_PREFIX: iso,
          REDIS_URL: opts.real?.redisUrl,
          REDIS_KEY_PREFIX: iso && `${iso}:sg:`,
          USER_URL: user.url,
          ...opts.socialGraphEnv,
        }),
        { bus, logger: logger('social-graph') },
      ),
    );
    const post = track(
      await startPostService(
        parsePostConfig({
          ...common,
          PORT: String(ports.post),
          MONGODB_URI: opts.real?.mongodbUri,
          MONGODB_DB: iso && `${iso}_post`,
          REDIS_URL: opts.real?.redisUrl,
          REDIS_KEY_PREFIX: iso && `${iso}:post:`,
          USER_URL: user.url,
          ...opts.postEnv,
        }),
        {
          bus,
          live,
          logger: logger('post'),
          ...(opts.postStores ? { stores: opts.postStores } : {}),
        },
      ),
    );
    const feed = track(
      await startFeedService(
        parseFeedConfig({
          ...common,
          PORT: String(ports.feed),
          SOCIAL_GRAPH_URL: socialGraph.url,
          POST_URL: post.url,
          REDIS_URL: opts.real?.redisUrl,
          REDIS_KEY_PREFIX: iso && `${iso}:feed:`,
          ...opts.feedEnv,
        }),
        {
          bus,
          live, // the fan-out's homeTimelineUpdated events reach the gateway (embedded mode)
          logger: logger('feed'),
        },
      ),
    );
    const notification = track(
      await startNotificationService(
        parseNotificationConfig({
          ...common,
          PORT: String(ports.notification ?? 0),
          MONGODB_URI: opts.real?.mongodbUri,
          MONGODB_DB: iso && `${iso}_notification`,
        }),
        { bus, live, logger: logger('notification') },
      ),
    );
    const gateway = track(
      await startGateway(
        parseGatewayConfig({
          ...common,
          PORT: String(ports.gateway),
          ACCESS_TOKEN_SECRET: secrets.accessToken,
          SUBGRAPH_URL_USER: user.url,
          SUBGRAPH_URL_SOCIAL_GRAPH: socialGraph.url,
          SUBGRAPH_URL_POST: post.url,
          SUBGRAPH_URL_FEED: feed.url,
          SUBGRAPH_URL_NOTIFICATION: notification.url,
          // Every service shares this process's event loop, so its delay measures the subgraphs' work as much as
          // the gateway's: shedding on it would refuse traffic for the wrong reason. Shedding is for a gateway
          // process of its own (docker-compose, `npm run start -w @social/gateway`); a caller may turn it back on.
          SHED_EVENT_LOOP_DELAY_MS: '0',
          ...opts.gatewayEnv,
        }),
        { logger: logger('gateway'), live },
      ),
    );
    return {
      gatewayUrl: gateway.url,
      services: { user, socialGraph, post, feed, notification, gateway },
      secrets,
      bus,
      live,
      stop: () => stopAll(started, bus, live),
    };
  } catch (err) {
    await stopAll(started, bus, live);
    throw err;
  }
}

/** Stops in reverse start order: the gateway first so no new work reaches a stopping subgraph. */
async function stopAll(services: RunningService[], bus: EventBus | undefined, live?: MemoryLiveBus): Promise<void> {
  for (const s of [...services].reverse()) await s.stop();
  await bus?.close();
  await live?.close();
}
