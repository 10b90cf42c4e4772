import { z } from 'zod';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, int, parseEnv, port, serviceEnvSchema, str, type Env } from '@social/kit';

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

export const DEFAULT_REFRESH_TOKEN_TTL_DAYS = 30; // a month without opening the app before signing in again

const userEnvSchema = serviceEnvSchema(
  {
    PORT: port(4001),
    /** Absent: accounts live in memory (the embedded default). A mongodb:// or mongodb+srv:// URI. */
    MONGODB_URI: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
        .optional(),
    ),
    /** The database this service owns; tests give each run its own. */
    MONGODB_DB: str('social_user'),
    ACCESS_TOKEN_TTL_SECONDS: int(DEFAULT_ACCESS_TOKEN_TTL_SECONDS, 1),
    REFRESH_TOKEN_TTL_DAYS: int(DEFAULT_REFRESH_TOKEN_TTL_DAYS, 1),
    /** Absent: the in-process event bus. Comma-separated server URLs are allowed, so not checked as one URL. */
    NATS_URL: z.preprocess(unsetIfEmpty, z.string().optional()),
    /** Prepended to every event subject, to keep test runs or deployments apart on one NATS. */
    EVENT_SUBJECT_PREFIX: z.preprocess(unsetIfEmpty, z.string().default('')),
  },
  // Signs access tokens; a development default, but required and at least 32 characters in production.
  ['ACCESS_TOKEN_SECRET'],
);

export type UserConfig = z.infer<typeof userEnvSchema>;

export function parseUserConfig(env: Env = process.env): UserConfig {
  return parseEnv(userEnvSchema, env, 'user');
}
