import { z } from 'zod';
import { int, optionalUrl, parseEnv, port, serviceEnvSchema, type Env } from '@social/kit';
import { NEO4J_TX_TIMEOUT_MS } from './stores/neo4j-db';
import { DEFAULT_CACHE_TTL_MS } from './stores/relationship-cache';
import { DEFAULT_VIP_THRESHOLD } from './vip';

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(unsetIfEmpty, z.string().optional());

const socialGraphEnvSchema = serviceEnvSchema({
  PORT: port(4002),
  /** Bolt address of Neo4j, e.g. bolt://127.0.0.1:7687. Absent means the in-process memory graph. */
  NEO4J_URI: optionalUrl,
  /** Credentials; both absent means a server with auth disabled. */
  NEO4J_USER: optionalString,
  NEO4J_PASSWORD: optionalString,
  /**
   * Prepended to the node label (`<prefix>User`). Neo4j community has one database, so tests and
   * side-by-side deployments isolate by label. Interpolated into Cypher, hence the strict pattern.
   */
  NEO4J_LABEL_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_]*$/, 'may contain only letters, digits and _')
      .default(''),
  ),
  /** The user subgraph's GraphQL endpoint, asked whether a user id exists before a follow. */
  USER_URL: z.preprocess(unsetIfEmpty, z.string().url().default('http://127.0.0.1:4001/graphql')),
  /** Absent means an in-process MemoryEventBus. */
  NATS_URL: optionalUrl,
  EVENT_SUBJECT_PREFIX: z.preprocess(unsetIfEmpty, z.string().default('')),
  /** Server-side cap on one request's Neo4j transaction; longer is SERVICE_UNAVAILABLE (overloaded). */
  NEO4J_TX_TIMEOUT_MS: int(NEO4J_TX_TIMEOUT_MS, 1),
  /** Cache of counts, lists and suggestions. Absent means in-process memory (fine for one process only). */
  REDIS_URL: optionalUrl,
  /** Prepended to every Redis key, so deployments and tests can share a server. */
  REDIS_KEY_PREFIX: z.preprocess(unsetIfEmpty, z.string().default('sg:')),
  /** How long a cached count or list may live; bounds staleness after a missed invalidation. 0 turns the cache off (benchmarks). */
  CACHE_TTL_MS: int(DEFAULT_CACHE_TTL_MS, 0),
  /** Follower count at which an account becomes a VIP (it stops being one below 90% of it). */
  VIP_THRESHOLD: int(DEFAULT_VIP_THRESHOLD, 1),
  /** A stored suggestion ranking younger than this is served as is; older ones are recomputed on request. */
  SUGGESTIONS_MAX_AGE_MS: int(2 * 3600_000, 1),
  /** How often the in-process batch job precomputes suggestions for active people; 0 turns it off. */
  SUGGESTIONS_PRECOMPUTE_INTERVAL_MS: int(3600_000),
  /** A person counts as active when a signed-in request of theirs reached this service within this many days. */
  ACTIVE_USER_DAYS: int(7, 1),
  /** Computing suggestions longer than this answers with popular accounts instead (marked degraded). */
  SUGGESTIONS_TIMEOUT_MS: int(1_000, 1),
  /** How often the popular-accounts list (the degraded fallback) is recomputed from Neo4j; 0 turns it off. */
  POPULAR_REFRESH_MS: int(5 * 60_000),
  /** How often the outbox relay looks for records it was not told about (left by a crash or another process). */
  OUTBOX_POLL_MS: int(2_000, 1),
});

export type SocialGraphConfig = z.infer<typeof socialGraphEnvSchema>;

export function parseSocialGraphConfig(env: Env = process.env): SocialGraphConfig {
  return parseEnv(socialGraphEnvSchema, env, 'social-graph');
}
