import { readFileSync } from 'node:fs';
import type { DocumentNode } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import {
  AccessTokens,
  InternalSigner,
  createLogger,
  createMetricsRegistry,
  graphqlMetricsPlugin,
  maskUnexpectedErrors,
  startHttpService,
  type Logger,
} from '@social/kit';
import type { GatewayConfig } from './config';
import { ContextBuilder, type GatewayContext } from './context';
import { SignedSubgraphDataSource } from './subgraph-data-source';
import { degradedExtensionsPlugin } from './degraded-plugin';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { BoundedCache } from './bounded-cache';
import { InternalTokenCache } from './internal-tokens';
import { VerifiedAccessTokens } from './verified-access-tokens';
import { createEdge } from './public/edge';
import type { ApiKeyStore } from './public/api-keys';
import { ALLOW_BATCHED_HTTP_REQUESTS, createEdgeLimits, withClientAddress } from './limits';
import { SubgraphBreakers } from './resilience/breakers';
import { LastGoodAnswers } from './resilience/last-good';
import { attachSubscriptions, refuseHttpSubscriptions, type RunningGateway } from './subscriptions';
import type { LiveSubscriber } from '@social/events';

export { parseGatewayConfig, type GatewayConfig } from './config';
export type { DegradedNotice, GatewayContext } from './context';
export { publicSchemaSdl } from './public/contract';
export { LiveCloseCode, type RunningGateway } from './subscriptions';

/**
 * Parsed-and-validated documents and query plans kept per process, by operation. Clients send a known
 * set of operations (a few dozen screens and mutations, variables kept apart from the text); 2,000
 * leaves room for every version of every client in use at once, so after warm-up no request is parsed,
 * validated or planned again. A plan is 1-2 KB (as JSON) and a document a few KB, so both caches stay
 * within tens of MB even when full. Planning one of our operations cold took 17-37 ms; a cached plan
 * costs a map lookup.
 */
export const OPERATION_CACHE_ENTRIES = 2_000;

type QueryPlanCache = NonNullable<NonNullable<NonNullable<ConstructorParameters<typeof ApolloGateway>[0]>['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

/**
 * The one endpoint clients use: @apollo/gateway executes query plans over the static supergraph
 * (the file named by SUPERGRAPH_PATH, so any composed supergraph can be served), with the
 * subgraph routing URLs overridable per deployment.
 */
export async function startGateway(
  config: GatewayConfig,
  deps: {
    logger?: Logger;
    apiKeys?: ApiKeyStore;
    /** Live events (the embedded stack's shared bus); else NATS_URL. */ live?: LiveSubscriber;
  } = {},
): Promise<RunningGateway> {
  const logger = deps.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  // One keep-alive connection pool per subgraph, shared by every data source of this process.
  const fetcher = createSubgraphFetcher();
  // A failing subgraph fails fast instead of holding every request that touches it (gateway/src/resilience).
  // Served at /metrics with the process's and every request's (prom-client; kit's startHttpService).
  const metrics = createMetricsRegistry('gateway');
  const breakers = new SubgraphBreakers(config, logger, metrics);
  const lastGoodAnswers = new LastGoodAnswers(config.FALLBACK_FIELDS);
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    queryPlannerConfig: { cache: new BoundedCache<QueryPlan>(OPERATION_CACHE_ENTRIES) },
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource(
        { url: config.subgraphUrls[name] ?? url, fetcher: breakers.wrap(name, fetcher) },
        { subgraph: name, answers: lastGoodAnswers },
      ),
  });
  const contexts = new ContextBuilder(
    new VerifiedAccessTokens(new AccessTokens(config.ACCESS_TOKEN_SECRET)),
    new InternalTokenCache(new InternalSigner(config.INTERNAL_AUTH_SECRET, 'gateway')),
  );
  // Persisted queries, the safelist and the public endpoint (gateway/src/public/edge.ts).
  const edge = await createEdge(config, logger, deps.apiKeys);
  // Limits for everyone: static limits, rate limits, login throttling, load shedding (gateway/src/limits).
  const limits = await createEdgeLimits(config, logger);

  const service = await startHttpService<GatewayContext>({
    name: 'gateway',
    host: config.HOST,
    port: config.PORT,
    logger,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    apollo: (plugins) =>
      new ApolloServer<GatewayContext>({
        gateway,
        documentStore: new BoundedCache<DocumentNode>(OPERATION_CACHE_ENTRIES),
        plugins: [...plugins, ...limits.main.plugins, ...edge.plugins, limits.guard, degradedExtensionsPlugin(), refuseHttpSubscriptions()],
        validationRules: limits.main.validationRules,
        parseOptions: limits.main.parseOptions,
        allowBatchedHttpRequests: ALLOW_BATCHED_HTTP_REQUESTS,
        persistedQueries: edge.persistedQueries,
        introspection: config.INTROSPECTION,
        formatError: maskUnexpectedErrors(logger),
        hideSchemaDetailsFromClientErrors: config.NODE_ENV === 'production',
        // The process decides when to stop (stopOnSignals, or the cluster's primary): Apollo's own
        // SIGTERM handler would stop the server on its own and re-raise the signal mid-drain.
        stopOnTerminationSignals: false,
      }),
    context: async ({ req }) => withClientAddress(await contexts.build(req.headers), req),
    maxBodyBytes: config.MAX_BODY_BYTES,
    routes: (app) => {
      // Behind load balancers the client address is in X-Forwarded-For (rate limits per IP need it).
      if (config.TRUST_PROXY_HOPS) app.set('trust proxy', config.TRUST_PROXY_HOPS);
      edge.mount(app, {
        gateway,
        supergraphSdl,
        anonymousContext: () => contexts.build({}),
        plugins: [limits.guard, degradedExtensionsPlugin(), graphqlMetricsPlugin<GatewayContext>(metrics, 'public')],
        formatError: maskUnexpectedErrors(logger),
      });
    },
    onShutdown: async () => {
      await edge.stop();
      await limits.stop();
      breakers.shutdown();
      await fetcher.destroy();
    },
    readiness: {
      // Ready once the supergraph is loaded (apollo.start() resolved before listen) and every subgraph is alive.
      subgraphs: async () => {
        const urls = Object.entries(subgraphUrlsOf(supergraphSdl, config.subgraphUrls));
        await Promise.all(
          urls.map(async ([name, url]) => {
            const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2_000) }).catch(() => null);
            if (!res?.ok) throw new Error(`subgraph ${name} is not answering`);
          }),
        );
      },
    },
  });
  // Subscriptions over graphql-ws on the same server and path (gateway/src/subscriptions).
  return attachSubscriptions(service, {
    config,
    gateway,
    supergraphSdl,
    subgraphUrls: subgraphUrlsOf(supergraphSdl, config.subgraphUrls),
    validationRules: limits.main.validationRules,
    logger,
    live: deps.live,
    safelist: edge.safelist,
  });
}

/** Reads the join__Graph enum of a supergraph: subgraph name to routing URL, with overrides applied. */
export function subgraphUrlsOf(supergraphSdl: string, overrides: Record<string, string>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name:\s*"([^"]+)",\s*url:\s*"([^"]+)"\)/g)) {
    urls[m[1]!] = overrides[m[1]!] ?? m[2]!;
  }
  return urls;
}
