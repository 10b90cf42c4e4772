import { z } from 'zod';
import { parseEnv, port, serviceEnvSchema, str, type Env } from '@social/kit';

export const DEFAULT_PORT = 4003;

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/**
 * The post service's settings on top of the shared ones (NODE_ENV, LOG_LEVEL, HOST,
 * INTERNAL_AUTH_SECRET, SHUTDOWN_TIMEOUT_MS). Without MONGODB_URI posts live in memory (the embedded
 * default); without NATS_URL events go to an in-process bus.
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
});

export type PostConfig = z.infer<typeof postEnvSchema>;

export function parsePostConfig(env: Env = process.env): PostConfig {
  return parseEnv(postEnvSchema, env, 'post');
}
