import { z } from 'zod';
import { int, parseEnv, port, serviceEnvSchema, str, type Env } from '@social/kit';

export const DEFAULT_PORT = 4005;

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/**
 * The notification service's settings on top of the shared ones (NODE_ENV, LOG_LEVEL, HOST,
 * INTERNAL_AUTH_SECRET, SHUTDOWN_TIMEOUT_MS). Without MONGODB_URI notifications live in memory (the
 * embedded default); without NATS_URL events come from an in-process bus.
 */
const notificationEnvSchema = serviceEnvSchema({
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
  MONGODB_DB: str('social_notification'),
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
  /** Likes of one post (or follows of one person) within one window of this many hours form one group. */
  NOTIFICATION_GROUP_WINDOW_HOURS: int(12, 1),
  /** Groups not updated for this many days are removed by the retention job. */
  NOTIFICATION_RETENTION_DAYS: int(90, 1),
  /** How often the retention job runs (0: never; tests run it by hand). */
  RETENTION_INTERVAL_MS: int(60 * 60_000, 0),
  /**
   * Events handled at once by one instance. Events for one recipient that arrive together are written
   * in one database write, so more in flight means fewer writes per like in a burst.
   */
  CONSUMER_CONCURRENCY: int(16, 1),
});

export type NotificationConfig = z.infer<typeof notificationEnvSchema>;

export function parseNotificationConfig(env: Env = process.env): NotificationConfig {
  return parseEnv(notificationEnvSchema, env, 'notification');
}
