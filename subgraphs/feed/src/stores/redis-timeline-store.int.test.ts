import { realServers, uniqueName } from '@social/test-kit';
import { deleteRedisKeys } from '../testing/redis-keys';
import { RedisTimelineStore } from './redis-timeline-store';
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
