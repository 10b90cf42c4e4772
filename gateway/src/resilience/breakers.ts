import CircuitBreaker from 'opossum';
import { GraphQLError } from 'graphql';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Gauge, Histogram, LATENCY_BUCKETS, type Logger, type Registry } from '@social/kit';
import type { GatewayConfig } from '../config';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchArgs = Parameters<Fetcher>;
type FetchResult = Awaited<ReturnType<Fetcher>>;

export type BreakerConfig = Pick<
  GatewayConfig,
  'BREAKER_TIMEOUT_MS' | 'BREAKER_ERROR_PERCENT' | 'BREAKER_MIN_REQUESTS' | 'BREAKER_RESET_MS'
>;
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** Statuses that mean the subgraph (or the proxy in front of it) cannot serve; other statuses carry GraphQL errors. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);
const ROLLING_WINDOW_MS = 10_000;

/**
 * One circuit breaker (opossum) per subgraph around its fetches. When a subgraph fails or is slow
 * for half of its recent requests, its breaker opens and its fetches fail at once with
 * SERVICE_UNAVAILABLE (extensions.subgraph) instead of each waiting for a timeout, so the rest of
 * the supergraph still answers (partial data plus that error). After BREAKER_RESET_MS one trial
 * request goes through (half-open); its success closes the breaker.
 */
export class SubgraphBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<FetchArgs, FetchResult>>();
  private readonly fetches: Histogram<'subgraph' | 'outcome'>;

  constructor(
    private readonly config: BreakerConfig,
    private readonly logger: Logger,
    metrics?: Registry,
  ) {
    const registers = metrics ? [metrics] : [];
    this.fetches = new Histogram({
      name: 'gateway_subgraph_fetch_duration_seconds',
      help: 'Fetches from the gateway to each subgraph: ok, failed (error, timeout, 502-504) or rejected (breaker open).',
      labelNames: ['subgraph', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const breakers = this.breakers;
    new Gauge({
      name: 'gateway_circuit_breaker_open',
      help: "1 while a subgraph's circuit breaker is open (or half-open), failing its fetches fast.",
      labelNames: ['subgraph'],
      registers,
      collect() {
        for (const [subgraph, b] of breakers) this.set({ subgraph }, b.opened || b.halfOpen ? 1 : 0);
      },
    });
  }

  /** The fetcher for one subgraph: `fetcher` behind that subgraph's breaker. */
  wrap(subgraph: string, fetcher: Fetcher): Fetcher {
    const breaker = new CircuitBreaker<FetchArgs, FetchResult>(
      async (url, init) => {
        const res = await fetcher(url, init);
        if (UNAVAILABLE_STATUSES.has(res.status)) throw new Error(`subgraph answered HTTP ${res.status}`);
        return res;
      },
      {
        name: subgraph,
        timeout: this.config.BREAKER_TIMEOUT_MS,
        errorThresholdPercentage: this.config.BREAKER_ERROR_PERCENT,
        volumeThreshold: this.config.BREAKER_MIN_REQUESTS,
        resetTimeout: this.config.BREAKER_RESET_MS,
        rollingCountTimeout: ROLLING_WINDOW_MS,
      },
    );
    breaker.on('open', () => this.logger.warn({ subgraph, stats: countsOf(breaker) }, 'circuit breaker open: failing fast'));
    breaker.on('halfOpen', () => this.logger.info({ subgraph }, 'circuit breaker half-open: trying one request'));
    breaker.on('close', () => this.logger.info({ subgraph }, 'circuit breaker closed: subgraph recovered'));
    this.breakers.set(subgraph, breaker);
    return async (url, init) => {
      const end = this.fetches.startTimer({ subgraph });
      try {
        const res = await breaker.fire(url, init);
        end({ outcome: 'ok' });
        return res;
      } catch (err) {
        end({ outcome: (err as { code?: string }).code === 'EOPENBREAKER' ? 'rejected' : 'failed' });
        throw subgraphUnavailable(subgraph, breaker.opened, err);
      }
    };
  }

  /** Each subgraph's breaker state, for /ready, metrics and tests. */
  states(): Record<string, BreakerState> {
    const states: Record<string, BreakerState> = {};
    for (const [name, b] of this.breakers) states[name] = b.opened ? 'open' : b.halfOpen ? 'halfOpen' : 'closed';
    return states;
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}

function countsOf(breaker: CircuitBreaker<FetchArgs, FetchResult>) {
  const { fires, failures, timeouts, rejects } = breaker.stats;
  return { fires, failures, timeouts, rejects };
}

function subgraphUnavailable(subgraph: string, open: boolean, cause: unknown): GraphQLError {
  const why = open ? 'is failing, so it is not being called for a few seconds' : 'did not answer';
  return new GraphQLError(`The ${subgraph} service ${why}; this part of the answer is missing. Retry shortly.`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', subgraph },
    originalError: cause instanceof Error ? cause : undefined,
  });
}
