import type { Request, Response } from 'express';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for requests answered in milliseconds normally and in seconds when something is wrong. */
export const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per service, labelled with its name, with the process's default metrics (CPU, memory,
 * event-loop lag, GC). Per service rather than prom-client's global one: the embedded stack runs all
 * six services in one process, each serving its own /metrics.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Keeps a label's distinct values bounded: values come from clients (operation names), and every
 * distinct value is a time series kept forever. Past `max` distinct values, new ones count as "(other)".
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  of(value: string | null | undefined, fallback: string): string {
    if (!value) return fallback;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(value)) return '(other)';
    this.seen.add(value);
    return value;
  }
}

/** Distinct operation names (and error codes) kept as label values per service. */
export const MAX_OPERATION_LABELS = 200;

type GraphqlMetrics = {
  duration: Histogram<'endpoint' | 'operation' | 'type' | 'outcome'>;
  errors: Counter<'endpoint' | 'code'>;
  operations: BoundedLabel;
  codes: BoundedLabel;
};
const graphqlMetricsOf = new WeakMap<Registry, GraphqlMetrics>();

/** One set per registry, shared by every endpoint of the service (a metric name registers once). */
function graphqlMetrics(registry: Registry): GraphqlMetrics {
  let metrics = graphqlMetricsOf.get(registry);
  if (metrics) return metrics;
  metrics = {
    duration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL requests by endpoint, operation name, operation type and outcome (ok, partial, error).',
      labelNames: ['endpoint', 'operation', 'type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'Errors in GraphQL responses by endpoint and extensions.code.',
      labelNames: ['endpoint', 'code'],
      registers: [registry],
    }),
    operations: new BoundedLabel(MAX_OPERATION_LABELS),
    codes: new BoundedLabel(MAX_OPERATION_LABELS),
  };
  graphqlMetricsOf.set(registry, metrics);
  return metrics;
}

/**
 * Every GraphQL request of one endpoint ("graphql", or the gateway's "public" one): its duration by
 * operation name, type and outcome (ok: no errors; partial: data and errors; error: no data), and every
 * error by its `extensions.code`.
 */
export function graphqlMetricsPlugin<C extends BaseContext>(registry: Registry, endpoint = 'graphql'): ApolloServerPlugin<C> {
  const { duration, errors, operations, codes } = graphqlMetrics(registry);
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors: list }) {
          for (const e of list)
            errors.inc({ endpoint, code: codes.of(String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'), 'unknown') });
        },
        async willSendResponse({ response, operation, operationName }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const outcome = !body?.errors?.length ? 'ok' : body.data ? 'partial' : 'error';
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          duration.observe(
            { endpoint, operation: operations.of(operationName, '(anonymous)'), type: operation?.operation ?? 'unknown', outcome },
            seconds,
          );
        },
      };
    },
  };
}

/**
 * GET /metrics in Prometheus's text format. With a token, only `Authorization: Bearer <token>` is
 * answered (a public gateway's load balancer may forward any path); without one, anyone who can reach
 * the port can scrape, which suits subgraphs on a private network.
 */
export function metricsHandler(registry: Registry, token?: string) {
  return async (req: Request, res: Response) => {
    if (token && req.header('authorization') !== `Bearer ${token}`) return void res.status(401).json({ error: 'unauthorized' });
    res.set('content-type', registry.contentType).send(await registry.metrics());
  };
}
