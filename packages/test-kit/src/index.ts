import { randomBytes } from 'node:crypto';

export * from './private-server';

/**
 * Addresses of the real servers started by scripts/services (MongoDB wire, Neo4j, Redis, NATS).
 * Integration and end-to-end tests need them; when they are missing the test fails with a message
 * saying how to start them, it never skips.
 */
export interface RealServers {
  mongodbUri: string;
  neo4jUri: string;
  redisUrl: string;
  natsUrl: string;
}

export function realServers(env: Record<string, string | undefined> = process.env): RealServers {
  const missing = ['MONGODB_URI', 'NEO4J_URI', 'REDIS_URL', 'NATS_URL'].filter((k) => !env[k]);
  if (missing.length) {
    throw new Error(
      `Integration tests need real servers, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set. ` +
        'Run `npm test` (it starts them), or `eval "$(bash scripts/services start)"` first.',
    );
  }
  return {
    mongodbUri: env['MONGODB_URI']!,
    neo4jUri: env['NEO4J_URI']!,
    redisUrl: env['REDIS_URL']!,
    natsUrl: env['NATS_URL']!,
  };
}

/** A name no other test run will use: for database names, key prefixes, subject prefixes, labels. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Polls until `check` returns a non-undefined value; for eventual effects (an event consumed). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
