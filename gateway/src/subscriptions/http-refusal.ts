import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * @apollo/gateway cannot execute a subscription (it throws, which would surface as a 500): over HTTP
 * a subscription operation is refused up front with a clear BAD_REQUEST pointing at the WebSocket.
 */
export function refuseHttpSubscriptions<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription')
            throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) on this same path, not over HTTP.', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
        },
      };
    },
  };
}
