import type express from 'express';
import { Redis } from 'ioredis';
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@social/kit';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import { SafelistManifest } from '../persisted-queries/manifest';
import { RedisKeyValueCache } from '../persisted-queries/redis-cache';
import { mountManifestReload, reloadManifestOnChange } from '../persisted-queries/reload';
import { safelistPlugin, type SafelistOptions } from '../persisted-queries/safelist';
import { MemoryApiKeyStore, RedisApiKeyStore, type ApiKeyStore } from './api-keys';
import { MemoryCostBudget, RedisCostBudget, type CostBudget } from './budget';
import { mountPublicEndpoint, type PublicEndpointOptions } from './endpoint';

export interface Edge {
  /** For the main ApolloServer: APQ in Apollo's protocol, on Redis when REDIS_URL is set. */
  persistedQueries: NonNullable<ApolloServerOptions<GatewayContext>['persistedQueries']>;
  /** For the main ApolloServer: manifest ids and the per-client safelist. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** The same manifest and modes, for subscriptions over WebSocket. */
  safelist: SafelistOptions;
  keys: ApiKeyStore;
  /** Mounts the admin reload endpoint and the public endpoint (call once the gateway is loaded). */
  mount(
    app: express.Express,
    deps: Pick<PublicEndpointOptions, 'gateway' | 'supergraphSdl' | 'anonymousContext' | 'plugins' | 'formatError'>,
  ): void;
  stop(): Promise<void>;
}

/**
 * Everything at the gateway's edge for mobile apps and third parties, with its shared state in Redis
 * (REDIS_URL, keys under EDGE_KEY_PREFIX) so every gateway instance agrees, or in memory without it.
 */
export async function createEdge(config: GatewayConfig, logger: Logger, apiKeys?: ApiKeyStore): Promise<Edge> {
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : null;
  // Without a listener ioredis's connection errors would crash the process; APQ and key lookups fail per request instead.
  redis?.on('error', (err) => logger.warn({ err }, 'edge Redis error (APQ cache and API keys unavailable meanwhile)'));
  const prefix = config.EDGE_KEY_PREFIX;
  const manifest = new SafelistManifest(config.PERSISTED_QUERY_MANIFEST, logger);
  await manifest.load();
  const unwatch = reloadManifestOnChange(manifest, config.PERSISTED_QUERY_MANIFEST, logger);
  // Tests (and embedders) may bring their own store; otherwise Redis, or memory (no keys: issue them in Redis).
  const keys: ApiKeyStore = apiKeys ?? (redis ? new RedisApiKeyStore(redis, prefix) : new MemoryApiKeyStore());
  const budget: CostBudget = redis ? new RedisCostBudget(redis, prefix) : new MemoryCostBudget();
  let stopPublic: (() => Promise<void>) | undefined;
  const safelist: SafelistOptions = { manifest, modes: config.safelistModes, defaultMode: config.SAFELIST_DEFAULT_MODE, logger };

  return {
    persistedQueries: {
      ttl: config.APQ_TTL_SECONDS,
      // Without a cache option Apollo keeps APQs in its in-memory LRU cache.
      // Apollo adds "apq:" to every key itself: the Redis keys are <EDGE_KEY_PREFIX>apq:<sha256>.
      ...(redis ? { cache: new RedisKeyValueCache(redis, prefix) } : {}),
    },
    plugins: [safelistPlugin<GatewayContext>(safelist)],
    safelist,
    keys,
    mount(app, deps) {
      mountManifestReload(app, manifest, config.ADMIN_TOKEN);
      stopPublic = mountPublicEndpoint(app, { ...deps, keys, budget, logger, maxBodyBytes: config.MAX_BODY_BYTES }).stop;
    },
    async stop() {
      unwatch();
      await stopPublic?.();
      await redis?.quit();
    },
  };
}
