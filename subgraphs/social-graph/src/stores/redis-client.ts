import Redis from 'ioredis';

export const REDIS_COMMAND_TIMEOUT_MS = 500; // a cache that takes longer than this is worse than asking Neo4j: fail and fall through
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/**
 * A Redis connection for a cache: commands fail at once while disconnected (no offline queue) and
 * after REDIS_COMMAND_TIMEOUT_MS when Redis is slow, so callers fall back to the graph instead of
 * waiting. Every key is prefixed (REDIS_KEY_PREFIX) so deployments and tests can share a server.
 */
export async function connectRedis(url: string, keyPrefix: string): Promise<Redis> {
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  });
  // Errors also surface on the failing command; this only keeps an unhandled 'error' event from crashing the process.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}

/** Closes politely, or drops the connection when Redis is gone (quit would wait for it). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
