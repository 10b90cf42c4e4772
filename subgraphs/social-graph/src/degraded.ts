import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * A part of the answer that came from a fallback. The gateway merges the subgraphs' notices into the
 * client response's `extensions.degraded`, so a client can say "showing popular accounts" instead of
 * presenting the fallback as the real thing.
 */
export interface DegradedNotice {
  /** The field that was answered by a fallback, e.g. "suggestions". */
  field: string;
  /** Why: "graph-unavailable" (Neo4j errors or is known to be down) or "graph-timeout" (too slow). */
  reason: 'graph-unavailable' | 'graph-timeout';
  /** What was served instead. */
  fallback: 'popular-accounts';
}

export interface DegradedContext extends BaseContext {
  degraded: DegradedNotice[];
}

/** Puts the notices resolvers collected in the request's context into `extensions.degraded`. */
export function degradedExtensionsPlugin<C extends DegradedContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          // The context is missing when the request was refused before it was built (bad signature).
          const notices = (contextValue as Partial<DegradedContext> | undefined)?.degraded;
          if (!notices?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, degraded: notices };
        },
      };
    },
  };
}
