import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '@social/kit';
import type { GatewayConfig } from '../config';

/** Error code of a request over one of its rate limits (per viewer, per IP, per API key). */
export const RATE_LIMITED = 'RATE_LIMITED';
/** Error code of a login attempt over the per-account or per-IP login budget. */
export const LOGIN_THROTTLED = 'LOGIN_THROTTLED';

const MINUTE = 60;
const LOGIN_WINDOW_SECONDS = 15 * 60;

export type RateLimitConfig = Pick<
  GatewayConfig,
  | 'EDGE_KEY_PREFIX'
  | 'RATE_LIMIT_PER_USER'
  | 'RATE_LIMIT_PER_IP'
  | 'RATE_LIMIT_PER_API_KEY'
  | 'LOGIN_ATTEMPTS_PER_ACCOUNT'
  | 'LOGIN_ATTEMPTS_PER_IP'
>;

/** Who a request is charged to; every part present is charged (a signed-in viewer also spends the IP's budget). */
export interface RateLimitSubject {
  viewerId: string | null;
  clientIp?: string | undefined;
  /** Set by the public endpoint once it has resolved the request's API key. */
  apiKeyId?: string | undefined;
}

/**
 * Fixed-window counters (rate-limiter-flexible) in Redis, so every gateway instance spends the same
 * budget; in memory when the gateway has no Redis. If Redis fails mid-way each instance falls back to
 * its own memory counters (the insurance limiter) instead of refusing everything or nothing.
 */
export class RateLimits {
  private readonly perUser: RateLimiterAbstract | null;
  private readonly perIp: RateLimiterAbstract | null;
  private readonly perApiKey: RateLimiterAbstract | null;
  private readonly loginPerAccount: RateLimiterAbstract;
  private readonly loginPerIp: RateLimiterAbstract;

  constructor(
    config: RateLimitConfig,
    redis: Redis | null,
    private readonly logger: Logger,
  ) {
    const limiter = (name: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${config.EDGE_KEY_PREFIX}rl:${name}`, points, duration };
      if (!redis) return new RateLimiterMemory(options);
      return new RateLimiterRedis({
        ...options,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
    };
    this.perUser = config.RATE_LIMIT_PER_USER ? limiter('user', config.RATE_LIMIT_PER_USER, MINUTE) : null;
    this.perIp = config.RATE_LIMIT_PER_IP ? limiter('ip', config.RATE_LIMIT_PER_IP, MINUTE) : null;
    this.perApiKey = config.RATE_LIMIT_PER_API_KEY ? limiter('key', config.RATE_LIMIT_PER_API_KEY, MINUTE) : null;
    this.loginPerAccount = limiter('login-account', config.LOGIN_ATTEMPTS_PER_ACCOUNT, LOGIN_WINDOW_SECONDS);
    this.loginPerIp = limiter('login-ip', config.LOGIN_ATTEMPTS_PER_IP, LOGIN_WINDOW_SECONDS);
  }

  /** Charges one operation to every part of its subject; throws RATE_LIMITED when any budget is spent. */
  async chargeOperation(subject: RateLimitSubject): Promise<void> {
    await this.consumeAll(RATE_LIMITED, 'Too many requests. Slow down and retry after the time given in Retry-After.', [
      [this.perUser, subject.viewerId],
      [this.perIp, subject.clientIp],
      [this.perApiKey, subject.apiKeyId],
    ]);
  }

  /**
   * Charges login attempts before they run: one per `login` field (aliases let one request hold many),
   * to the IP and to each account tried. Throws LOGIN_THROTTLED when a budget is spent.
   */
  async chargeLogins(clientIp: string | undefined, accounts: string[]): Promise<void> {
    if (!accounts.length) return;
    const perAccount = new Map<string, number>();
    for (const account of accounts) perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
    const charges: Charge[] = [[this.loginPerIp, clientIp, accounts.length]];
    for (const [account, n] of perAccount) charges.push([this.loginPerAccount, account, n]);
    await this.consumeAll(LOGIN_THROTTLED, 'Too many login attempts. Retry after the time given in Retry-After.', charges);
  }

  private async consumeAll(code: string, message: string, charges: Charge[]): Promise<void> {
    const results = await Promise.allSettled(
      charges
        .filter((c): c is [RateLimiterAbstract, string, number?] => !!c[0] && !!c[1])
        .map(([limiter, key, points]) => limiter.consume(key, points ?? 1)),
    );
    let waitMs = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      if (r.reason instanceof RateLimiterRes) waitMs = Math.max(waitMs, r.reason.msBeforeNext);
      // Both Redis and the insurance limiter failed: let the request through rather than take the API down.
      else this.logger.error({ err: r.reason }, 'rate limiter failed; request allowed');
    }
    if (waitMs > 0) throw rateLimitError(code, message, waitMs);
  }
}

type Charge = [RateLimiterAbstract | null, string | null | undefined, number?];

/** A 429 with Retry-After (seconds) in the header and in extensions.retryAfterSeconds. */
export function rateLimitError(code: string, message: string, waitMs: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  // Apollo reads extensions.http (status, HeaderMap) and strips it from the response; typed loosely because other
  // packages in one program (the bench's peer gateway) augment GraphQLErrorExtensions.http differently.
  const extensions: Record<string, unknown> = {
    code,
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(message, { extensions });
}
