import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import {
  AccessTokens,
  InternalSigner,
  createLogger,
  maskUnexpectedErrors,
  startHttpService,
  type Logger,
  type RunningService,
} from '@social/kit';
import type { GatewayConfig } from './config';
import { ContextBuilder, type GatewayContext } from './context';
import { SignedSubgraphDataSource } from './subgraph-data-source';
import { degradedExtensionsPlugin } from './degraded-plugin';

export { parseGatewayConfig, type GatewayConfig } from './config';
export type { DegradedNotice, GatewayContext } from './context';

/**
 * The one endpoint clients use: @apollo/gateway executes query plans over the static supergraph
 * (the file named by SUPERGRAPH_PATH, so any composed supergraph can be served), with the
 * subgraph routing URLs overridable per deployment.
 */
export async function startGateway(config: GatewayConfig, deps: { logger?: Logger } = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) => new SignedSubgraphDataSource({ url: config.subgraphUrls[name] ?? url }),
  });
  const contexts = new ContextBuilder(
    new AccessTokens(config.ACCESS_TOKEN_SECRET),
    new InternalSigner(config.INTERNAL_AUTH_SECRET, 'gateway'),
  );

  return startHttpService<GatewayContext>({
    name: 'gateway',
    host: config.HOST,
    port: config.PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    apollo: (plugins) =>
      new ApolloServer<GatewayContext>({
        gateway,
        plugins: [...plugins, degradedExtensionsPlugin()],
        introspection: config.INTROSPECTION,
        formatError: maskUnexpectedErrors(logger),
        hideSchemaDetailsFromClientErrors: config.NODE_ENV === 'production',
      }),
    context: ({ req }) => contexts.build(req.headers),
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
}

/** Reads the join__Graph enum of a supergraph: subgraph name to routing URL, with overrides applied. */
export function subgraphUrlsOf(supergraphSdl: string, overrides: Record<string, string>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name:\s*"([^"]+)",\s*url:\s*"([^"]+)"\)/g)) {
    urls[m[1]!] = overrides[m[1]!] ?? m[2]!;
  }
  return urls;
}
