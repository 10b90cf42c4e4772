import path from 'node:path';
import { z } from 'zod';
import { int, optionalUrl, parseEnv, port, serviceEnvSchema, str, type Env } from '@social/kit';
import { parseSafelistModes, SAFELIST_MODES } from './persisted-queries/safelist';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';

const gatewayEnvSchema = serviceEnvSchema(
  {
    PORT: port(4000),
    SUPERGRAPH_PATH: z.string().default(path.join(REPO_ROOT, 'supergraph.graphql')),
    INTROSPECTION: z.enum(['true', 'false']).optional(),
    /** Gateway processes sharing the port (Node cluster): 1 = a single process (default), 0 = one per core. */
    GATEWAY_WORKERS: int(1, 0),
    /** Edge state shared by every gateway instance (APQ cache, API keys, cost budgets); memory when unset. */
    REDIS_URL: optionalUrl,
    /** Prefix of every Redis key the gateway writes, so several deployments can share one Redis. */
    EDGE_KEY_PREFIX: str('gw:'),
    /** How long an automatic persisted query stays registered after its last registration. */
    APQ_TTL_SECONDS: int(86_400, 1),
    /** The persisted-query manifest (Apollo's format) of our own clients' operations: the safelist. */
    PERSISTED_QUERY_MANIFEST: str(path.join(REPO_ROOT, 'clients', 'persisted-query-manifest.json')),
    /** Safelist mode per client name (apollographql-client-name), e.g. "ios=enforce,android=enforce,web=audit". */
    SAFELIST_MODES: z.string().default(''),
    /** The mode of every client name not listed above, and of requests without one. */
    SAFELIST_DEFAULT_MODE: z.enum(SAFELIST_MODES).default('off'),
    /** Bearer token for the admin endpoints (manifest reload); they answer 404 when unset. */
    ADMIN_TOKEN: z.string().min(32).optional(),
    // Live subscriptions (gateway/src/subscriptions; see the README's "Subscriptions" section).
    /** NATS for live events, one server or several comma-separated; unset: the in-process live bus (embedded, tests). */
    NATS_URL: z
      .string()
      .regex(/^((nats|tls|wss?):\/\/[^\s,]+(,(nats|tls|wss?):\/\/[^\s,]+)*)?$/, 'must be nats://host:port, or several separated by commas')
      .optional()
      .transform((v) => v || undefined),
    /** Prepended to every live subject, as the producers' EVENT_SUBJECT_PREFIX (e.g. "staging."). */
    EVENT_SUBJECT_PREFIX: z
      .string()
      .regex(/^([A-Za-z0-9_-]+\.)*$/, 'must be empty or dot-terminated tokens')
      .default(''),
    /** Open WebSocket connections per gateway process; about 10 KB of memory each when idle. */
    LIVE_MAX_CONNECTIONS: int(20_000, 1),
    /** Open WebSocket connections per signed-in user (phone, tablet, a few browser tabs). */
    LIVE_MAX_CONNECTIONS_PER_USER: int(10, 1),
    /** Active subscriptions per connection (a screen has a handful). */
    LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(50, 1),
    /** Undelivered events per subscription before the client is closed as a slow consumer (4008). */
    LIVE_MAX_QUEUED_EVENTS: int(100, 1),
    /**
     * How often a viewer's extra live subjects (`@liveSubjectsFrom`: the VIPs they follow, for homeTimelineUpdated)
     * are asked for again even without a change event: an account turning VIP is noticed within this long.
     */
    LIVE_SUBJECTS_REFRESH_MS: int(300_000, 1_000),
    // Limits for everyone (gateway/src/limits): see the README's "Limits" section for how each was chosen.
    /** Largest request body accepted (bytes); a large mutation is a few KB. */
    MAX_BODY_BYTES: int(100_000, 1_000),
    /** Deepest selection nesting (fragments flattened); our deepest screen nests 8 levels. */
    LIMIT_MAX_DEPTH: int(12, 1),
    /** Most aliases in one operation; an alias costs as much as a field, so aliases multiply work. */
    LIMIT_MAX_ALIASES: int(15, 0),
    /** Most directives in one operation. */
    LIMIT_MAX_DIRECTIVES: int(10, 0),
    /** Most lexical tokens in one document; bounds parsing work before anything else runs. */
    LIMIT_MAX_TOKENS: int(2_000, 10),
    /** GraphQL Armor's static cost (objects 2, scalars 1, times 1.5 per level) an operation may have. */
    LIMIT_MAX_COST: int(5_000, 1),
    /** Operations per minute per signed-in viewer (0 turns the limit off). */
    RATE_LIMIT_PER_USER: int(600, 0),
    /** Operations per minute per client IP address (0 turns the limit off); NATs share an address, so higher. */
    RATE_LIMIT_PER_IP: int(1_200, 0),
    /** Proxies (load balancers) in front of the gateway whose X-Forwarded-For is trusted for the client address; 0 = none. */
    TRUST_PROXY_HOPS: int(0, 0),
    /** Operations per minute per API key (0 turns the limit off); on top of the key's cost budget. */
    RATE_LIMIT_PER_API_KEY: int(1_200, 0),
    /** Login attempts per account per 15 minutes (each `login` field counts, aliases included). */
    LOGIN_ATTEMPTS_PER_ACCOUNT: int(10, 1),
    /** Login attempts per client IP per 15 minutes. */
    LOGIN_ATTEMPTS_PER_IP: int(50, 1),
    /** A subgraph fetch slower than this counts as a failure for its circuit breaker. */
    BREAKER_TIMEOUT_MS: int(10_000, 1),
    /** Failure percentage (over the last 10 s, at least BREAKER_MIN_REQUESTS) that opens a subgraph's breaker. */
    BREAKER_ERROR_PERCENT: int(50, 1),
    BREAKER_MIN_REQUESTS: int(5, 1),
    /** How long an open breaker fails fast before letting one trial request through (half-open). */
    BREAKER_RESET_MS: int(5_000, 1),
    /** Event-loop delay (p99 over the last second) above which queries are shed; mutations at twice it; 0 = never. */
    SHED_EVENT_LOOP_DELAY_MS: int(250, 0),
    /**
     * Root fields ("subgraph.field") answered from the last good signed-out answer while their whole
     * subgraph is down, with extensions.degraded saying so; empty turns the fallback off.
     */
    FALLBACK_FIELDS: z.string().default('user.user,user.userByHandle,post.post'),
  },
  ['ACCESS_TOKEN_SECRET'],
).transform((env) => ({
  ...env,
  // Introspection helps developers and hands attackers a map; off in production unless asked for.
  INTROSPECTION: env.INTROSPECTION ? env.INTROSPECTION === 'true' : env.NODE_ENV !== 'production',
  safelistModes: parseSafelistModes(env.SAFELIST_MODES),
}));

export type GatewayConfig = z.infer<typeof gatewayEnvSchema> & {
  /** Routing URL overrides by subgraph name (SUBGRAPH_URL_SOCIAL_GRAPH=... overrides "social-graph"). */
  subgraphUrls: Record<string, string>;
};

export function parseGatewayConfig(env: Env = process.env): GatewayConfig {
  const config = parseEnv(gatewayEnvSchema, env, 'gateway');
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(SUBGRAPH_URL_PREFIX) || !value) continue;
    const name = key.slice(SUBGRAPH_URL_PREFIX.length).toLowerCase().replace(/_/g, '-');
    if (!z.string().url().safeParse(value).success) throw new Error(`Invalid configuration for gateway:\n  - ${key}: must be a URL`);
    subgraphUrls[name] = value;
  }
  return { ...config, subgraphUrls };
}
