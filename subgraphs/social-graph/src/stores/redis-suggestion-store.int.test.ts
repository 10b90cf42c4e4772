import { RedisSuggestionStore } from './redis-suggestion-store';
import { suggestionStoreContract } from './suggestion-store.contract';
import { redisTestPrefixes } from '../testing/redis';

const redis = redisTestPrefixes();
afterAll(() => redis.cleanUp());

suggestionStoreContract('redis', async ({ keepMs }) => new RedisSuggestionStore(await redis.connect(), keepMs));
