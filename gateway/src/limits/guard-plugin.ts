import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { overloadedError, shouldShed, type LoopDelaySource } from '../resilience/load-shedding';
import { loginAccountsOf } from './login-fields';
import type { RateLimits, RateLimitSubject } from './rate-limits';

/** The client address, put in the context by the server (part of the rate-limit subject). */
export interface ClientAddress {
  clientIp?: string | undefined;
}

export interface GuardOptions<C> {
  rateLimits: RateLimits;
  loopDelay: LoopDelaySource;
  shedThresholdMs: number;
  /** Who to charge; the default reads viewerId, clientIp and (on the public endpoint) apiKey.id from the context. */
  subjectOf?: (context: C) => RateLimitSubject;
}

/**
 * Runs once the operation is parsed, validated and known, and before any subgraph is called: sheds
 * load (OVERLOADED), charges the rate limits (RATE_LIMITED) and counts login attempts (LOGIN_THROTTLED).
 */
export function guardPlugin<C extends BaseContext>(opts: GuardOptions<C>): ApolloServerPlugin<C> {
  const subjectOf = opts.subjectOf ?? defaultSubject;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation) return; // Apollo refuses the request itself
          if (shouldShed(operation.operation, opts.loopDelay.delayMs(), opts.shedThresholdMs)) throw overloadedError();
          const subject = subjectOf(contextValue);
          await opts.rateLimits.chargeOperation(subject);
          await opts.rateLimits.chargeLogins(subject.clientIp, loginAccountsOf(document, operation, request.variables));
        },
      };
    },
  };
}

function defaultSubject(context: unknown): RateLimitSubject {
  const c = context as { viewerId?: string | null; clientIp?: string; apiKey?: { id?: string } };
  return { viewerId: c.viewerId ?? null, clientIp: c.clientIp, apiKeyId: c.apiKey?.id };
}
