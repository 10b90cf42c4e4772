import Redis from 'ioredis';
import { realServers, uniqueName } from '@social/test-kit';
import { connectRedis } from '../stores/redis-client';

/** Redis connections under fresh key prefixes for int tests, and the clean-up of their keys (tests only). */
export function redisTestPrefixes(url = realServers().redisUrl) {
  const prefixes: string[] = [];
  return {
    async connect(prefix = `${uniqueName('sg')}:`): Promise<Redis> {
      prefixes.push(prefix);
      return connectRedis(url, prefix);
    },
    async cleanUp(): Promise<void> {
      const redis = new Redis(url);
      try {
        for (const prefix of prefixes) {
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
