import { RedisRelationshipCache } from '../src/stores/redis-relationship-cache';
import { neo4jTestGraphs } from '../src/testing/neo4j';
import { redisTestPrefixes } from '../src/testing/redis';
import { cacheCrashScenario } from './cache-crash.scenario';

const graphs = neo4jTestGraphs();
const redis = redisTestPrefixes();
afterAll(async () => {
  await graphs.cleanUp();
  await redis.cleanUp();
});

cacheCrashScenario('Neo4j graph, Redis cache', async () => ({
  stores: await graphs.make({ vipThreshold: 10 }),
  cache: async () => new RedisRelationshipCache(await redis.connect()),
  shortTtlCache: async () => new RedisRelationshipCache(await redis.connect(), 150),
}));
