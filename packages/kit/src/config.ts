import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/**
 * Parses a service's environment once, at start, and fails with every problem listed at once.
 * Each service's config.ts is the only module that reads process.env; everything else receives the
 * typed result.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env, service: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid configuration for ${service}:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Empty strings count as unset, so `FOO=` in a compose file means "use the default". */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

export const optionalUrl = z.preprocess(unsetIfEmpty, z.string().url().optional());
export const port = (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(fallback));
export const int = (fallback: number, min = 0) => z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).default(fallback));
export const str = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().min(1).default(fallback));

/**
 * Development-only defaults for secrets let `npm start` run with no set-up; in production a missing or
 * short secret is a start-up error, never a silent fallback.
 */
const DEV_SECRETS = {
  INTERNAL_AUTH_SECRET: 'dev-internal-auth-secret-change-me-0123456789',
  ACCESS_TOKEN_SECRET: 'dev-access-token-secret-change-me-0123456789',
} as const;
export const MIN_SECRET_LENGTH = 32; // 256 bits of HMAC key when the secret is random base64

/** Settings every service shares: where it listens, how it logs, how it signs internal calls. */
export const baseEnvShape = {
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'test', 'production']).default('development')),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  HOST: str('127.0.0.1'),
  INTERNAL_AUTH_SECRET: z.preprocess(unsetIfEmpty, z.string().optional()),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, anyone reaching the port can scrape. */
  METRICS_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(16).optional()),
};

type SecretName = keyof typeof DEV_SECRETS;

/**
 * A service's whole environment schema: the shared settings plus its own, with the named secrets
 * required (development defaults outside production). One object, so every problem is reported at once.
 */
export function serviceEnvSchema<S extends z.ZodRawShape, K extends SecretName = never>(shape: S, extraSecrets: readonly K[] = []) {
  const secretShape = Object.fromEntries(extraSecrets.map((k) => [k, z.preprocess(unsetIfEmpty, z.string().optional())]));
  return z.object({ ...baseEnvShape, ...secretShape, ...shape }).transform((env, ctx) => {
    const all = env as Record<string, unknown> & { NODE_ENV: string };
    const resolved: Record<string, string> = {};
    for (const name of ['INTERNAL_AUTH_SECRET', ...extraSecrets] as SecretName[]) {
      resolved[name] = requireSecret(all.NODE_ENV, name, all[name] as string | undefined, ctx);
    }
    return { ...env, ...resolved } as Omit<typeof env, 'INTERNAL_AUTH_SECRET' | K> & { INTERNAL_AUTH_SECRET: string } & Record<K, string>;
  });
}

export const baseEnvSchema = serviceEnvSchema({});

export function requireSecret(nodeEnv: string, name: SecretName, value: string | undefined, ctx: z.RefinementCtx): string {
  if (value && value.length >= MIN_SECRET_LENGTH) return value;
  if (!value && nodeEnv !== 'production') return DEV_SECRETS[name];
  ctx.addIssue({
    code: 'custom',
    path: [name],
    message: value ? `must be at least ${MIN_SECRET_LENGTH} characters` : 'is required in production',
  });
  return '';
}

export type BaseConfig = z.infer<typeof baseEnvSchema>;
