import { z } from 'zod';
import { optionalUrl, parseEnv, port, serviceEnvSchema, type Env } from '@social/kit';

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
});

export type SocialGraphConfig = z.infer<typeof socialGraphEnvSchema>;

export function parseSocialGraphConfig(env: Env = process.env): SocialGraphConfig {
  return parseEnv(socialGraphEnvSchema, env, 'social-graph');
}
