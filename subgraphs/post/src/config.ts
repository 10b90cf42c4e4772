import { z } from 'zod';
import { int, optionalUrl, parseEnv, port, serviceEnvSchema, str, type Env } from '@social/kit';

export const DEFAULT_PORT = 4003;

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/**
 * The post service's settings on top of the shared ones (NODE_ENV, LOG_LEVEL, HOST,
 * INTERNAL_AUTH_SECRET, SHUTDOWN_TIMEOUT_MS). Without MONGODB_URI posts live in memory (the embedded
 * default); without REDIS_URL the write-behind counters do too; without NATS_URL events go to an
 * in-process bus; without USER_URL nobody can be @mentioned.
 */
const postEnvSchema = serviceEnvSchema({
  PORT: port(DEFAULT_PORT),
  // Checked by scheme only: a replica-set seed list (mongodb://a:27017,b:27017) is not a WHATWG URL.
  MONGODB_URI: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string')
      .optional(),
  ),
  /** Database name, so several deployments or test runs can share one server. */
  MONGODB_DB: str('social_post'),
  // One server or a comma-separated list of them, as the NATS client takes it.
  NATS_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^(nats|tls|wss?):\/\/[^\s,]+(,(nats|tls|wss?):\/\/[^\s,]+)*$/, 'must be nats://host:port, or several separated by commas')
      .optional(),
  ),
  /** Prepended to every event subject, isolating deployments (and test runs) sharing one NATS server. */
  EVENT_SUBJECT_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^([A-Za-z0-9_-]+\.)*$/, 'must be empty or dot-terminated tokens, e.g. "staging."')
      .default(''),
  ),
  /** Redis for the write-behind counters (`redis://host:port`); unset keeps them in memory. */
  REDIS_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  /** Prefix of every Redis key, so deployments and test runs can share one server. */
  REDIS_KEY_PREFIX: str('post:'),
  /** The user subgraph's GraphQL endpoint, asked which @handles exist. */
  USER_URL: optionalUrl,
  /**
   * `write-behind` (default): counts accumulate in Redis (or memory) and are flushed in batches.
   * `direct`: every count is its own database write; the baseline the benchmark compares against.
   */
  COUNTER_STORE: z.preprocess(unsetIfEmpty, z.enum(['write-behind', 'direct']).default('write-behind')),
  /** How often pending counts move from Redis to MongoDB: the most a stored count lags (reads add the rest). */
  FLUSH_INTERVAL_MS: int(3_000, 0),
  /** Posts per bulkWrite of a flush (FerretDB v1 stalls on update commands of ~100 statements). */
  FLUSH_BATCH_SIZE: int(50, 1),
  /** The flush lock's lifetime: a flusher that dies holding it blocks flushing this long at most. */
  FLUSH_LOCK_TTL_MS: int(30_000, 100),
  /** How often the outbox relay looks for effects a crash or an outage left pending (0: only at start). */
  OUTBOX_RELAY_INTERVAL_MS: int(5_000, 0),
  /** Pending effects younger than this are left to the request delivering them. */
  OUTBOX_STALE_MS: int(10_000, 0),
  /** How often like and comment counts of recently active posts are recomputed from the collections (0: never). */
  RECONCILE_INTERVAL_MS: int(15 * 60_000, 0),
  /** How far back a reconcile looks when the counter store lost its data (e.g. Redis restarted without AOF). */
  RECONCILE_LOOKBACK_MS: int(15 * 60_000, 0),
});

export type PostConfig = z.infer<typeof postEnvSchema>;

export function parsePostConfig(env: Env = process.env): PostConfig {
  return parseEnv(postEnvSchema, env, 'post');
}
