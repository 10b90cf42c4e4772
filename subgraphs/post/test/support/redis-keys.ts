import Redis from 'ioredis';

/** Removes every key under the given prefixes (test isolation on the shared server). */
export async function deleteRedisKeys(url: string, prefixes: string[]): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}
