import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context';

/** Puts the subgraphs' degradation notices into the client response: `extensions.degraded`. */
export function degradedExtensionsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.degraded?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, degraded: contextValue.degraded };
        },
      };
    },
  };
}
