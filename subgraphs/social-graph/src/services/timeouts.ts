import { ErrorCode } from '@social/kit';
import type { GraphQLError } from 'graphql';

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Rejects after `ms`; the work itself goes on (its late result or error is dropped). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  work.catch(() => undefined); // a late failure must not become an unhandled rejection
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** True for the errors that mean "the graph cannot answer now" (as opposed to a bug). */
export function isOutage(err: unknown): boolean {
  return err instanceof TimeoutError || (err as GraphQLError | undefined)?.extensions?.['code'] === ErrorCode.SERVICE_UNAVAILABLE;
}

export const BREAKER_OPEN_MS = 5_000; // after an outage error, skip Neo4j this long: answering at once beats a 3 s wait per request

/**
 * A minimal circuit breaker for the suggestion reads: after an outage error it stays open for a few
 * seconds (requests go straight to the fallback); the first request after that tries the graph again.
 */
export class Breaker {
  private openUntil = 0;

  constructor(
    private readonly openMs = BREAKER_OPEN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  trip(): void {
    this.openUntil = this.now() + this.openMs;
  }
}

/** Logs at most once per `everyMs`, so an outage of a dependency does not flood the log. */
export function throttled(everyMs: number, log: (err: unknown, what: string) => void): (err: unknown, what: string) => void {
  let last = 0;
  return (err, what) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    log(err, what);
  };
}
