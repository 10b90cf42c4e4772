import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { ApolloGateway } from '@apollo/gateway';
import {
  buildSchema,
  execute,
  GraphQLError,
  type ASTVisitor,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationContext,
} from 'graphql';
import { appError, type Logger } from '@social/kit';
import type { GatewayContext } from '../context';
import type { ApiKeyRecord, ApiKeyStore } from './api-keys';
import type { BudgetCharge, CostBudget } from './budget';
import { publicSchemaSdl } from './contract';
import { operationCost, type OperationCost } from './cost';
import { introspectionKind } from './introspection';

export const PUBLIC_GRAPHQL_PATH = '/public/graphql';
export const API_KEY_HEADER = 'x-api-key';
/** Error code of an operation refused because the key's hourly budget cannot pay for it. */
export const RATE_LIMITED = 'RATE_LIMITED';
/** Error code of an operation whose connections could return more than MAX_NODES items. */
export const OPERATION_TOO_LARGE = 'OPERATION_TOO_LARGE';
/** GitHub's GraphQL API caps one call at 500,000 nodes; our pages are small and our clients' screens read a few hundred. */
export const MAX_NODES = 10_000;

export interface PublicContext extends GatewayContext {
  apiKey: ApiKeyRecord;
  clientIp: string | undefined;
}

export interface PublicEndpointOptions {
  /** The main endpoint's gateway, already loaded: it plans and executes public operations too. */
  gateway: ApolloGateway;
  supergraphSdl: string;
  keys: ApiKeyStore;
  budget: CostBudget;
  logger: Logger;
  /** The context of a signed-out request: third parties read as nobody in particular. */
  anonymousContext: () => Promise<GatewayContext>;
  plugins?: ApolloServerPlugin<GatewayContext>[];
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  maxBodyBytes?: number;
}

/**
 * The third-party endpoint, POST or GET /public/graphql: a second ApolloServer whose schema is the
 * public schema, so every operation is parsed and validated against it (anything else is unknown to
 * it, and field suggestions are hidden), then executed by the same ApolloGateway as the main endpoint.
 * Each request needs an API key and is charged its cost against the key's hourly budget first.
 */
export function mountPublicEndpoint(
  app: express.Express,
  opts: PublicEndpointOptions,
): { schema: GraphQLSchema | null; stop: () => Promise<void> } {
  if (!opts.gateway.schema) throw new Error('the gateway must be loaded before the public endpoint is mounted');
  const sdl = publicSchemaSdl(opts.supergraphSdl, opts.gateway.schema);
  if (!sdl.trim()) {
    // A supergraph with nothing tagged public (e.g. a test's) has no public API: the path stays unknown (404).
    opts.logger.info(`no element of the supergraph is tagged public: ${PUBLIC_GRAPHQL_PATH} is not served`);
    return { schema: null, stop: async () => undefined };
  }
  const schema = buildSchema(sdl);
  const server = new ApolloServer<PublicContext>({
    gateway: sharedExecutor(opts.gateway, schema, opts.supergraphSdl),
    introspection: true, // of the public schema only: see costPlugin's responseForOperation
    hideSchemaDetailsFromClientErrors: true,
    persistedQueries: false,
    validationRules: [knownOperationTypes],
    plugins: [...(opts.plugins ?? []), costPlugin(schema, opts.budget)],
    ...(opts.formatError ? { formatError: opts.formatError } : {}),
    stopOnTerminationSignals: false,
  });
  const handler = server.start().then(() =>
    expressMiddleware(server, {
      context: async ({ req }) => ({
        ...(await opts.anonymousContext()),
        apiKey: await authenticate(opts.keys, req.headers),
        // For the per-IP rate limit (gateway/src/limits), as on the main endpoint.
        clientIp: req.ip ?? req.socket.remoteAddress,
      }),
    }),
  );
  handler.catch((err: unknown) => opts.logger.error({ err }, 'public endpoint failed to start'));
  app.use(PUBLIC_GRAPHQL_PATH, express.json({ limit: opts.maxBodyBytes ?? 100_000 }), (req, res, next) => {
    handler.then((h) => h(req, res, next), next);
  });
  return {
    schema,
    stop: async () => {
      await handler.catch(() => undefined);
      await server.stop();
    },
  };
}

/**
 * graphql-js 16 validates no operation type the schema lacks (that is a rule only from v17), and the
 * gateway would run a mutation against the whole supergraph: refuse it here, as a validation error.
 */
function knownOperationTypes(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (!context.getSchema().getRootType(node.operation)) {
        context.reportError(new GraphQLError(`The public API has no ${node.operation} operations.`, { nodes: node }));
      }
    },
  };
}

/** `x-api-key: sk_live_...` or `Authorization: Bearer sk_live_...`. */
async function authenticate(keys: ApiKeyStore, headers: express.Request['headers']): Promise<ApiKeyRecord> {
  const header = headers[API_KEY_HEADER];
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
  if (!key) throw appError('UNAUTHENTICATED', `The public API needs an API key: send it in the ${API_KEY_HEADER} header.`);
  const record = await keys.verify(key);
  if (!record) throw appError('UNAUTHENTICATED', 'This API key is unknown or was revoked.');
  return record;
}

/** An Apollo "gateway" that shows the public schema and runs operations on the main ApolloGateway. */
function sharedExecutor(gateway: ApolloGateway, apiSchema: GraphQLSchema, coreSupergraphSdl: string) {
  const listeners = new Set<(ctx: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void>();
  return {
    onSchemaLoadOrUpdate(listener: (ctx: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async load() {
      for (const listener of listeners) listener({ apiSchema, coreSupergraphSdl });
      return { executor: gateway.executor };
    },
    async stop() {}, // the main endpoint owns the gateway and stops it
  };
}

function costPlugin(schema: GraphQLSchema, budget: CostBudget): ApolloServerPlugin<PublicContext> {
  return {
    async requestDidStart() {
      let measured: OperationCost | undefined;
      let charge: BudgetCharge | undefined;
      let introspectionOnly = false;
      return {
        async didResolveOperation({ document, operation, request, contextValue, response }) {
          const kind = introspectionKind(document, operation!);
          if (kind === 'mixed') throw appError('BAD_USER_INPUT', 'Send introspection (__schema, __type) in an operation of its own.');
          introspectionOnly = kind === 'only';
          measured = introspectionOnly ? { cost: 1, nodes: 0 } : operationCost(schema, document, operation!, request.variables ?? {});
          if (measured.nodes > MAX_NODES) {
            throw new GraphQLError(
              `This operation could return ${measured.nodes} items; the limit is ${MAX_NODES}. Ask for smaller pages.`,
              {
                extensions: { code: OPERATION_TOO_LARGE, http: { status: 400 } },
              },
            );
          }
          charge = await budget.charge(contextValue.apiKey.id, measured.cost, contextValue.apiKey.budgetPerHour);
          for (const [name, value] of rateLimitHeaders(charge)) response.http.headers.set(name, value);
          if (!charge.allowed) {
            const retryAfter = Math.max(1, Math.ceil(charge.resetAt - Date.now() / 1000));
            // On the response itself (kept when the error is sent), not in the error's extensions.http.
            response.http.headers.set('retry-after', String(retryAfter));
            throw new GraphQLError(
              `This API key's budget of ${charge.limit} points per hour cannot pay for this operation (cost ${measured.cost}, ${charge.remaining} left); it resets in ${retryAfter} s.`,
              { extensions: { code: RATE_LIMITED, retryAfter, http: { status: 429 } } },
            );
          }
        },
        // The gateway would answer __schema from the whole API schema: answer it here, from the public one.
        async responseForOperation({ document, request, operationName }) {
          if (!introspectionOnly) return null;
          const result = await execute({ schema, document, variableValues: request.variables, operationName });
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: result } };
        },
        async willSendResponse({ response }) {
          if (!measured || !charge || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            cost: {
              requested: measured.cost,
              nodes: measured.nodes,
              limit: charge.limit,
              remaining: charge.remaining,
              resetAt: charge.resetAt,
            },
          };
        },
      };
    },
  };
}

/** GitHub's names: x-ratelimit-limit, -remaining, -reset (epoch seconds), -used. */
function rateLimitHeaders(charge: BudgetCharge): [string, string][] {
  return [
    ['x-ratelimit-limit', String(charge.limit)],
    ['x-ratelimit-remaining', String(charge.remaining)],
    ['x-ratelimit-used', String(charge.limit - charge.remaining)],
    ['x-ratelimit-reset', String(charge.resetAt)],
  ];
}
