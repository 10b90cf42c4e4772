import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { OperationDefinitionNode } from 'graphql';
import type { Logger } from '@social/kit';
import type { GatewayContext } from '../context';
import type { LiveQueryExecutor } from './live-hub';

/**
 * Executes event queries with the same ApolloGateway the HTTP endpoint uses: the same query planner
 * and plan cache, the same signed subgraph data sources and connection pools. Only what the executor
 * reads is filled in (it is a request context Apollo Server would otherwise build).
 */
export function gatewayExecutor(
  gateway: ApolloGateway,
  contextFor: (viewerId: string | null) => Promise<GatewayContext>,
  logger: Logger,
): LiveQueryExecutor {
  return async (query, variables, viewerId) => {
    const operation = query.document.definitions[0] as OperationDefinitionNode;
    const requestContext = {
      request: { query: query.source, operationName: operation.name?.value, variables },
      document: query.document,
      source: query.source,
      queryHash: query.queryHash,
      operationName: operation.name?.value ?? null,
      operation,
      context: await contextFor(viewerId),
      schema: gateway.schema,
      logger,
      metrics: {},
    } as unknown as GatewayGraphQLRequestContext;
    return gateway.executor(requestContext);
  };
}
