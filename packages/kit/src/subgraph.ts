import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { startHttpService, maskUnexpectedErrors, type ReadinessCheck, type RunningService } from './http-service';
import { INTERNAL_AUTH_HEADER, InternalVerifier, type InternalIdentity } from './internal-auth';
import type { Logger } from './logger';
import type { Registry } from './metrics';

type SubgraphModule = Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number];

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  /** Path of the subgraph's schema.graphql (the SDL is never kept in strings). */
  schemaPath: string;
  resolvers: unknown;
  host: string;
  port: number;
  logger: Logger;
  internalAuthSecret: string;
  /** Builds the per-request context (DataLoaders, stores) once the caller's signature is verified. */
  context: (identity: InternalIdentity) => C;
  readiness?: Record<string, ReadinessCheck>;
  onShutdown?: () => Promise<void>;
  shutdownTimeoutMs?: number;
  /** Request body cap; internal batch calls (thousands of ids) may need more than a client request. */
  maxBodyBytes?: number;
  /** Extra Apollo Server plugins (e.g. one that adds `extensions.degraded` to responses). */
  plugins?: ApolloServerPlugin<C>[];
  /** The service's registry, when it adds metrics of its own; served at /metrics. */
  metrics?: Registry;
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string;
}

export function loadSchemaFile(path: string) {
  return parse(readFileSync(path, 'utf8'));
}

/** Every subgraph is served the same way: signed requests only, masked internal errors, drained on stop. */
export async function startSubgraph<C extends BaseContext>(opts: SubgraphOptions<C>): Promise<RunningService> {
  const schema = buildSubgraphSchema([{ typeDefs: loadSchemaFile(opts.schemaPath), resolvers: opts.resolvers } as SubgraphModule]);
  const verifier = new InternalVerifier(opts.internalAuthSecret);
  return startHttpService<C>({
    name: opts.name,
    host: opts.host,
    port: opts.port,
    logger: opts.logger,
    readiness: opts.readiness,
    onShutdown: opts.onShutdown,
    shutdownTimeoutMs: opts.shutdownTimeoutMs,
    maxBodyBytes: opts.maxBodyBytes,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
    apollo: (plugins) =>
      new ApolloServer<C>({
        schema,
        // Inline traces feed Apollo Studio, which this deployment does not use; skip their per-request cost.
        plugins: [...plugins, ...(opts.plugins ?? []), ApolloServerPluginInlineTraceDisabled()],
        formatError: maskUnexpectedErrors(opts.logger),
        // Subgraphs are only reached through the gateway; suggestions would leak schema to a prober.
        hideSchemaDetailsFromClientErrors: true,
      }),
    context: async ({ req }: ExpressContextFunctionArgument) => {
      const identity = await verifier.verify(req.header(INTERNAL_AUTH_HEADER));
      return opts.context(identity);
    },
  });
}
