import type { ApolloGateway } from '@apollo/gateway';
import type { ValidationRule } from 'graphql';
import { AccessTokens, InternalSigner, type Logger, type RunningService } from '@social/kit';
import { createLiveBus, type LiveSubscriber } from '@social/events';
import type { GatewayConfig } from '../config';
import { InternalTokenCache } from '../internal-tokens';
import { gatewayExecutor } from './gateway-executor';
import { startLiveServer, type LiveServer } from './live-server';
import { internalViewerIds } from './viewer-ids';
import type { SafelistOptions } from '../persisted-queries/safelist';

export { LiveCloseCode } from './close-codes';
export { refuseHttpSubscriptions } from './http-refusal';
export type { LiveServer } from './live-server';

/** A running gateway that also serves subscriptions; `live` reports their numbers. */
export type RunningGateway = RunningService & { live: LiveServer };

/**
 * Adds live subscriptions to a started gateway: graphql-ws on the same HTTP server and path, fed by
 * the live bus (`live` when given, e.g. the embedded stack's in-process bus; else NATS at NATS_URL,
 * else an in-process bus of its own). Stopping closes the WebSockets first (1001), then drains HTTP.
 */
export async function attachSubscriptions(
  service: RunningService,
  opts: {
    config: GatewayConfig;
    gateway: ApolloGateway;
    supergraphSdl: string;
    /** Subgraph name to routing URL (overrides applied), for the internal lookups of `@liveSubjectsFrom`. */
    subgraphUrls: Record<string, string>;
    validationRules: readonly ValidationRule[];
    logger: Logger;
    live?: LiveSubscriber;
    /** Persisted operations by id and the per-client safelist, shared with HTTP. */
    safelist?: SafelistOptions;
  },
): Promise<RunningGateway> {
  const { config, gateway, logger } = opts;
  const ownBus = opts.live
    ? undefined
    : await createLiveBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger, name: 'gateway' });
  const internalTokens = new InternalTokenCache(new InternalSigner(config.INTERNAL_AUTH_SECRET, 'gateway'));
  if (!gateway.schema) throw new Error('attachSubscriptions needs a loaded gateway (start the HTTP service first)');
  const live = startLiveServer({
    httpServer: service.httpServer,
    path: new URL(service.url).pathname,
    schema: gateway.schema,
    supergraphSdl: opts.supergraphSdl,
    bus: opts.live ?? ownBus!,
    execute: gatewayExecutor(
      gateway,
      async (viewerId) => ({ viewerId, degraded: [], internalToken: await internalTokens.get(viewerId) }),
      logger,
    ),
    tokens: new AccessTokens(config.ACCESS_TOKEN_SECRET),
    limits: {
      maxConnections: config.LIVE_MAX_CONNECTIONS,
      maxConnectionsPerUser: config.LIVE_MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxQueuedEvents: config.LIVE_MAX_QUEUED_EVENTS,
    },
    maxTokens: config.LIMIT_MAX_TOKENS,
    validationRules: opts.validationRules,
    logger,
    viewerIds: {
      // Signed with the viewer's cached internal token, the one their events' queries use.
      lookup: internalViewerIds(opts.supergraphSdl, opts.subgraphUrls, { sign: (viewerId) => internalTokens.get(viewerId) }),
      refreshMs: config.LIVE_SUBJECTS_REFRESH_MS,
    },
    metrics: service.metrics,
    ...(opts.safelist ? { safelist: opts.safelist } : {}),
  });
  let stopping: Promise<void> | undefined;
  return {
    ...service,
    live,
    stop: () =>
      (stopping ??= (async () => {
        await live.close();
        await ownBus?.close();
        await service.stop();
      })()),
  };
}
