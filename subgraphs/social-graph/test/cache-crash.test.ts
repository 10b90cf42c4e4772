import { memoryGraphStores } from '../src/stores/graph-stores';
import { MemoryRelationshipCache } from '../src/stores/memory-relationship-cache';
import { cacheCrashScenario } from './cache-crash.scenario';

cacheCrashScenario('memory graph, memory cache', async () => ({
  stores: memoryGraphStores({ vipThreshold: 10 }),
  cache: async () => new MemoryRelationshipCache(),
  shortTtlCache: async () => new MemoryRelationshipCache({ ttlMs: 100 }),
}));
