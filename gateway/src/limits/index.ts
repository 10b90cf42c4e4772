import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@social/kit';
import type { GatewayConfig } from '../config';
import { monitorLoopDelay } from '../resilience/load-shedding';
import { buildLimits, type Limits } from './armor';
import { guardPlugin, type ClientAddress } from './guard-plugin';
import { RateLimits } from './rate-limits';

export { buildLimits } from './armor';
export { guardPlugin, type ClientAddress } from './guard-plugin';
export { LOGIN_THROTTLED, RATE_LIMITED, RateLimits, type RateLimitSubject } from './rate-limits';

/**
 * Apollo's batching (a JSON array of operations in one request) stays off: our clients do not batch,
 * and a batch would multiply one request's work past every per-request limit. Apollo answers an
 * array with HTTP 400 "Operation batching disabled." before anything is parsed.
 */
export const ALLOW_BATCHED_HTTP_REQUESTS = false;

const REDIS_READY_WAIT_MS = 2_000;

export interface EdgeLimits {
  /** Armor's validation rules and plugins, for the main endpoint. */
  main: Limits<BaseContext>;
  /** Load shedding, rate limits and login throttling; add it to any ApolloServer of the gateway. */
  guard: ApolloServerPlugin<BaseContext>;
  rateLimits: RateLimits;
  stop(): Promise<void>;
}

/** Everything in gateway/src/limits for one gateway process, sharing counters in Redis when REDIS_URL is set. */
export async function createEdgeLimits(config: GatewayConfig, logger: Logger): Promise<EdgeLimits> {
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : null;
  redis?.on('error', (err) => logger.warn({ err }, 'rate-limit Redis error (memory counters meanwhile)'));
  // Counters are shared only once connected; give Redis a moment so the first requests count there too.
  if (redis) await Promise.race([once(redis, 'ready'), new Promise((r) => setTimeout(r, REDIS_READY_WAIT_MS).unref())]);
  const rateLimits = new RateLimits(config, redis, logger);
  const loopDelay = monitorLoopDelay();
  return {
    main: buildLimits(config, { public: false }),
    guard: guardPlugin({ rateLimits, loopDelay, shedThresholdMs: config.SHED_EVENT_LOOP_DELAY_MS }),
    rateLimits,
    async stop() {
      loopDelay.stop();
      // quit() waits for a connection that may never come; a Redis that is not ready is just dropped.
      if (redis?.status === 'ready') await redis.quit().catch(() => undefined);
      else redis?.disconnect();
    },
  };
}

/** Adds the client address (the socket's, or the proxy's X-Forwarded-For when Express trusts it) to a context. */
export function withClientAddress<C extends object>(context: C, req: IncomingMessage & { ip?: string | undefined }): C & ClientAddress {
  return Object.assign(context, { clientIp: req.ip ?? req.socket.remoteAddress });
}
