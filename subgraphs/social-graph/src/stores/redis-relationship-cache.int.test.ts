import { RedisRelationshipCache } from './redis-relationship-cache';
import { relationshipCacheContract } from './relationship-cache.contract';
import { redisTestPrefixes } from '../testing/redis';

const redis = redisTestPrefixes();
afterAll(() => redis.cleanUp());

relationshipCacheContract('redis', async ({ ttlMs }) => new RedisRelationshipCache(await redis.connect(), ttlMs));
