import type { EventBus } from '@social/events';
import type { Logger, ReadinessCheck } from '@social/kit';
import type { SocialGraphConfig } from './config';
import { ActivityTracker } from './services/activity';
import { PopularAccounts } from './services/popular';
import { Relationships } from './services/relationships';
import { snapshotKeepMs, Suggestions } from './services/suggestions';
import { memoryGraphStores, neo4jGraphStores, type GraphStores } from './stores/graph-stores';
import { MemoryRelationshipCache } from './stores/memory-relationship-cache';
import { MemorySuggestionStore } from './stores/memory-suggestion-store';
import { createNeo4jDriver, Neo4jDb } from './stores/neo4j-db';
import { connectRedis } from './stores/redis-client';
import { RedisRelationshipCache } from './stores/redis-relationship-cache';
import { RedisSuggestionStore } from './stores/redis-suggestion-store';
import type { RelationshipCache } from './stores/relationship-cache';
import type { SuggestionStore } from './stores/suggestion-store';
import { OutboxRelay } from './workers/outbox-relay';
import { periodic, type Periodic } from './workers/periodic';
import { precomputeSuggestions, type PrecomputeReport } from './workers/precompute-suggestions';

/** Every store the subgraph uses, built from config (or given by a test). */
export interface Stores {
  graph: GraphStores;
  cache: RelationshipCache;
  suggestionStore: SuggestionStore;
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export type StoreOverrides = Partial<Pick<Stores, 'graph' | 'cache' | 'suggestionStore'>>;

/**
 * Neo4j when NEO4J_URI is set (schema created before returning), Redis when REDIS_URL is set, memory
 * otherwise. On a failure half-way, whatever was opened is closed again.
 */
export async function openStores(config: SocialGraphConfig, overrides: StoreOverrides = {}): Promise<Stores> {
  const closers: (() => Promise<void>)[] = [];
  const readiness: Record<string, ReadinessCheck> = {};
  const close = () => closeAll(closers);
  try {
    const graphOpts = { vipThreshold: config.VIP_THRESHOLD };
    let graph = overrides.graph;
    if (!graph && config.NEO4J_URI) {
      const db = new Neo4jDb(
        createNeo4jDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD }),
        config.NEO4J_LABEL_PREFIX,
        config.NEO4J_TX_TIMEOUT_MS,
      );
      closers.push(() => db.close());
      await db.ensureSchema();
      graph = neo4jGraphStores(db, graphOpts);
      readiness['neo4j'] = () => db.ping();
    }
    graph ??= memoryGraphStores(graphOpts);

    const keepMs = snapshotKeepMs(config.SUGGESTIONS_MAX_AGE_MS);
    // CACHE_TTL_MS=0: no relationship cache at all (a memory cache that keeps nothing), e.g. to measure what it saves.
    let cache = overrides.cache ?? (config.CACHE_TTL_MS === 0 ? new MemoryRelationshipCache({ ttlMs: 0 }) : undefined);
    let suggestionStore = overrides.suggestionStore;
    if (config.REDIS_URL && (!cache || !suggestionStore)) {
      const forCache = await connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
      const redisCache = new RedisRelationshipCache(forCache, config.CACHE_TTL_MS);
      closers.push(() => redisCache.close());
      const forSuggestions = await connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
      const redisSuggestions = new RedisSuggestionStore(forSuggestions, keepMs);
      closers.push(() => redisSuggestions.close());
      cache ??= redisCache;
      suggestionStore ??= redisSuggestions;
      readiness['redis'] = () => redisCache.ping();
    }
    cache ??= new MemoryRelationshipCache({ ttlMs: config.CACHE_TTL_MS });
    suggestionStore ??= new MemorySuggestionStore({ keepMs });
    return { graph, cache, suggestionStore, readiness, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The services and workers over the stores. */
export interface Runtime {
  relationships: Relationships;
  suggestions: Suggestions;
  popular: PopularAccounts;
  activity: ActivityTracker;
  relay: OutboxRelay;
  precompute(): Promise<PrecomputeReport>;
  /** Starts the relay (publishing leftovers at once), the popular-list refresh and the batch job timer. */
  startWorkers(): void;
  stopWorkers(): Promise<void>;
}

export function createRuntime(config: SocialGraphConfig, stores: Stores, bus: EventBus, logger: Logger): Runtime {
  const relay = new OutboxRelay({ outbox: stores.graph.outbox, bus, cache: stores.cache, logger, pollMs: config.OUTBOX_POLL_MS });
  const relationships = new Relationships({ graph: stores.graph.follows, cache: stores.cache, logger, onEvents: () => relay.kick() });
  const popular = new PopularAccounts(stores.graph.discovery, stores.suggestionStore);
  const suggestions = new Suggestions({
    discovery: stores.graph.discovery,
    store: stores.suggestionStore,
    cache: stores.cache,
    popular,
    logger,
    maxAgeMs: config.SUGGESTIONS_MAX_AGE_MS,
    timeoutMs: config.SUGGESTIONS_TIMEOUT_MS,
  });
  const precompute = () =>
    precomputeSuggestions({
      suggestions,
      popular,
      store: stores.suggestionStore,
      logger,
      activeDays: config.ACTIVE_USER_DAYS,
      lockMs: Math.max(config.SUGGESTIONS_PRECOMPUTE_INTERVAL_MS, 60_000),
    });
  const jobs: Periodic[] = [];
  return {
    relationships,
    suggestions,
    popular,
    activity: new ActivityTracker(stores.suggestionStore, logger),
    relay,
    precompute,
    startWorkers() {
      relay.start();
      jobs.push(
        periodic('popular accounts refresh', config.POPULAR_REFRESH_MS, () => popular.refresh(), logger, config.POPULAR_REFRESH_MS > 0),
      );
      jobs.push(periodic('suggestions precompute', config.SUGGESTIONS_PRECOMPUTE_INTERVAL_MS, precompute, logger));
    },
    async stopWorkers() {
      await Promise.all(jobs.map((j) => j.stop()));
      await relay.stop();
    },
  };
}

/** Closes in reverse order of opening; one failure does not keep the others open. */
export async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of [...closers].reverse()) {
    await close().catch(() => undefined);
  }
}
