import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_AUTH_HEADER } from '@social/kit';
import type { GatewayContext } from './context';

/** Every fetch to a subgraph carries the gateway's signature and, through it, the viewer. */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading have no client context; they are signed by the caller instead.
    const token = (context as Partial<GatewayContext>).internalToken;
    if (token) request.http?.headers.set(INTERNAL_AUTH_HEADER, token);
  }
}
