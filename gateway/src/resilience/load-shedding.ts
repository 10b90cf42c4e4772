import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, type OperationTypeNode } from 'graphql';

/** Error code of an operation refused because the gateway is overloaded; retry after Retry-After. */
export const OVERLOADED = 'OVERLOADED';
const SAMPLE_EVERY_MS = 1_000;
const RETRY_AFTER_SECONDS = 2;

/** How far the event loop is behind now: the p99 delay (ms) over the last sampling period. */
export interface LoopDelaySource {
  delayMs(): number;
  stop(): void;
}

/**
 * Event-loop delay from perf_hooks, summarised once a second: a loop that is tens or hundreds of
 * ms late means every request already waits that long, so taking more work only makes all of them late.
 */
export function monitorLoopDelay(): LoopDelaySource {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = 0;
  const timer = setInterval(() => {
    last = histogram.percentile(99) / 1e6;
    histogram.reset();
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    delayMs: () => last,
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

/**
 * Which operations to refuse at a given delay: queries (and subscriptions) once the delay passes the
 * threshold, mutations only at twice it, since a lost write costs the user more than a stale screen.
 * Health and readiness are plain HTTP routes and never reach this. A threshold of 0 sheds nothing.
 */
export function shouldShed(kind: OperationTypeNode, delayMs: number, thresholdMs: number): boolean {
  if (thresholdMs <= 0) return false;
  return kind === 'mutation' ? delayMs > 2 * thresholdMs : delayMs > thresholdMs;
}

/** A 503 with Retry-After: the client should back off briefly, not fail the screen. */
export function overloadedError(): GraphQLError {
  // Typed loosely for the same reason as rateLimitError's extensions.
  const extensions: Record<string, unknown> = {
    code: OVERLOADED,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
  };
  return new GraphQLError('The service is overloaded. Retry after the time given in Retry-After.', { extensions });
}
