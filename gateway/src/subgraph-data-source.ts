import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { INTERNAL_AUTH_HEADER } from '@social/kit';
import type { DegradedNotice, GatewayContext } from './context';

/**
 * Every fetch to a subgraph carries the gateway's signature and, through it, the viewer. Subgraph
 * response extensions are dropped by @apollo/gateway; the one we keep is `degraded`, so a client learns
 * when part of its answer came from a fallback.
 */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading have no client context; they are signed by the caller instead.
    const token = (context as Partial<GatewayContext>).internalToken;
    if (token) request.http?.headers.set(INTERNAL_AUTH_HEADER, token);
  }

  override didReceiveResponse({
    response,
    context,
  }: {
    response: GatewayGraphQLResponse;
    context: GatewayContext;
  }): GatewayGraphQLResponse {
    const degraded = response.extensions?.['degraded'];
    if (Array.isArray(degraded) && Array.isArray(context.degraded))
      context.degraded.push(...(degraded.filter(isNotice) as DegradedNotice[]));
    return response;
  }
}

function isNotice(value: unknown): value is DegradedNotice {
  const v = value as Partial<DegradedNotice> | null;
  return typeof v?.field === 'string' && typeof v.reason === 'string' && typeof v.fallback === 'string';
}
