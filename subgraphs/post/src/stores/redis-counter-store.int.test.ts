import { realServers, uniqueName } from '@social/test-kit';
import { counterStoreContract } from './counter-store.contract';
import { RedisCounterStore } from './redis-counter-store';
import { deleteRedisKeys } from '../../test/support/redis-keys';

const { redisUrl } = realServers();

counterStoreContract('redis', async () => {
  const keyPrefix = `${uniqueName('post')}:`;
  const store = await RedisCounterStore.connect({ url: redisUrl, keyPrefix });
  return {
    store,
    close: async () => {
      await store.close();
      await deleteRedisKeys(redisUrl, [keyPrefix]);
    },
  };
});
