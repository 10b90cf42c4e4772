import { realServers, uniqueName } from '@social/test-kit';
import { deleteRedisKeys } from '../testing/redis-keys';
import Redis from 'ioredis';
import { RedisTimelineStore, TIMELINE_LISTPACK_ENTRIES } from './redis-timeline-store';
import { timelineStoreContract } from './timeline-store.contract';

const { redisUrl } = realServers();

timelineStoreContract('redis', async (caps) => {
  const keyPrefix = `${uniqueName('feed')}:`;
  const store = await RedisTimelineStore.connect({ url: redisUrl, keyPrefix, timelineCap: caps.timeline, recentCap: caps.recent });
  return {
    store,
    close: async () => {
      await store.close();
      await deleteRedisKeys(redisUrl, keyPrefix);
    },
  };
});

describe('RedisTimelineStore on a server not tuned for timelines', () => {
  it('says so at start when sorted sets stay listpacks past TIMELINE_LISTPACK_ENTRIES, and is quiet when tuned', async () => {
    const admin = new Redis(redisUrl);
    const [, before] = (await admin.config('GET', 'zset-max-listpack-entries')) as [string, string];
    const warned: unknown[] = [];
    const connect = async () =>
      (
        await RedisTimelineStore.connect({
          url: redisUrl,
          keyPrefix: `${uniqueName('feed')}:`,
          logger: { warn: (o: unknown) => warned.push(o) },
        })
      ).close();
    try {
      await admin.config('SET', 'zset-max-listpack-entries', '128');
      await connect();
      expect(warned).toEqual([{ 'zset-max-listpack-entries': 128, recommended: TIMELINE_LISTPACK_ENTRIES }]);
      await admin.config('SET', 'zset-max-listpack-entries', String(TIMELINE_LISTPACK_ENTRIES));
      await connect();
      expect(warned).toHaveLength(1);
    } finally {
      await admin.config('SET', 'zset-max-listpack-entries', before);
      await admin.quit();
    }
  });
});
