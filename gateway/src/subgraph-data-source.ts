import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { INTERNAL_AUTH_HEADER } from '@social/kit';
import type { DegradedNotice, GatewayContext } from './context';
import { fetchKey, LAST_GOOD_FALLBACK, SUBGRAPH_UNAVAILABLE_REASON, type LastGoodAnswers } from './resilience/last-good';

/**
 * Every fetch to a subgraph carries the gateway's signature and, through it, the viewer. Subgraph
 * response extensions are dropped by @apollo/gateway; the one we keep is `degraded`, so a client learns
 * when part of its answer came from a fallback.
 */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    /** Last good answers for this subgraph's designated fields (gateway/src/resilience/last-good.ts). */
    private readonly fallback?: { subgraph: string; answers: LastGoodAnswers },
  ) {
    super(config);
  }

  /** A designated signed-out fetch is remembered when it succeeds and answered from memory when its subgraph fails. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const context = options.context as Partial<GatewayContext>;
    const field = context.viewerId === null ? this.fallback?.answers.fieldOf(this.fallback.subgraph, options.request.query) : undefined;
    if (!field || !this.fallback) return super.process(options);
    const key = fetchKey(this.fallback.subgraph, options.request.query!, options.request.variables);
    try {
      const response = await super.process(options);
      await this.fallback.answers.remember(key, response);
      return response;
    } catch (err) {
      const last = await this.fallback.answers.recall(key);
      if (!last) throw err;
      context.degraded?.push({ field, reason: SUBGRAPH_UNAVAILABLE_REASON, fallback: LAST_GOOD_FALLBACK });
      return last;
    }
  }

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
