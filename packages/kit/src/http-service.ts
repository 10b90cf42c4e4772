import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin, type BaseContext, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware, type ExpressContextFunctionArgument } from '@as-integrations/express5';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isAppError } from './errors';
import type { Logger } from './logger';
import { createMetricsRegistry, graphqlMetricsPlugin, metricsHandler, type Registry } from './metrics';

export type ReadinessCheck = () => Promise<void>;

export interface HttpServiceOptions<C extends BaseContext> {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  /** Builds the Apollo server; receives the drain plugin so in-flight requests finish on stop. */
  apollo: (plugins: ApolloServerPlugin<C>[]) => ApolloServer<C>;
  context: ContextFunction<[ExpressContextFunctionArgument], C>;
  /** Named dependency checks for /ready; each throws when its dependency cannot serve. */
  readiness?: Record<string, ReadinessCheck>;
  /** Closes connections and workers once HTTP has drained. */
  onShutdown?: () => Promise<void>;
  /** Extra routes mounted before GraphQL (e.g. the gateway's public endpoint). */
  routes?: (app: express.Express) => void;
  maxBodyBytes?: number;
  shutdownTimeoutMs?: number;
  /** The service's metrics registry (created here when absent); served at /metrics. */
  metrics?: Registry;
  /** When set, /metrics answers only `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken?: string;
}

export interface RunningService {
  name: string;
  url: string;
  port: number;
  httpServer: http.Server;
  /** Served at /metrics; a service registers its own metrics here. */
  metrics: Registry;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 100_000; // a large mutation is a few KB; anything near this is abuse

/**
 * Starts one GraphQL service the same way for every process: /graphql, /health (the process is
 * alive), /ready (its dependencies answer; 503 while starting or draining), /metrics (Prometheus:
 * the process, every GraphQL request, and what the service adds), and a stop() that stops
 * accepting, lets in-flight requests finish, then closes dependencies.
 */
export async function startHttpService<C extends BaseContext>(opts: HttpServiceOptions<C>): Promise<RunningService> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Keep-alive longer than typical load balancer idle timeouts so connections are reused, not reset.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  let draining = false;

  const metrics = opts.metrics ?? createMetricsRegistry(opts.name);
  const apollo = opts.apollo([
    ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: opts.shutdownTimeoutMs ?? 10_000 }),
    graphqlMetricsPlugin<C>(metrics),
  ]);
  await apollo.start();

  mountOpsRoutes(app, { ...opts, metrics, draining: () => draining });
  opts.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: opts.context }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${opts.host}:${port}/graphql`;
  opts.logger.info({ url }, `${opts.name} listening`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      draining = true;
      opts.logger.info(`${opts.name} draining`);
      await apollo.stop(); // stops accepting, waits for in-flight requests, closes idle sockets
      await opts.onShutdown?.();
      opts.logger.info(`${opts.name} stopped`);
    })());

  return { name: opts.name, url, port, httpServer, metrics, stop };
}

/** /health (alive), /ready (every readiness check passes; 503 while draining) and /metrics. */
function mountOpsRoutes(
  app: express.Express,
  opts: { name: string; readiness?: Record<string, ReadinessCheck>; metrics: Registry; metricsToken?: string; draining: () => boolean },
): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: opts.name });
  });
  app.get('/ready', async (_req, res) => {
    if (opts.draining()) return void res.status(503).json({ status: 'draining', service: opts.name });
    const checks: Record<string, string> = {};
    let ok = true;
    for (const [name, check] of Object.entries(opts.readiness ?? {})) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (err) {
        ok = false;
        checks[name] = (err as Error).message;
      }
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', service: opts.name, checks });
  });
  app.get('/metrics', metricsHandler(opts.metrics, opts.metricsToken));
}

export interface OpsServerOptions {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  metrics: Registry;
  metricsToken?: string;
  readiness?: Record<string, ReadinessCheck>;
}

/**
 * The operational endpoints alone (/health, /ready, /metrics) for a process that serves no GraphQL,
 * such as a fan-out worker, so it is probed and scraped like every other process.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  let draining = false;
  mountOpsRoutes(app, { ...opts, draining: () => draining });
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const url = `http://${opts.host}:${(httpServer.address() as AddressInfo).port}`;
  opts.logger.info({ url }, `${opts.name} health and metrics listening`);
  return {
    url,
    stop: async () => {
      draining = true;
      httpServer.closeIdleConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * Errors we raised on purpose pass through; anything else (a driver error, a bug) reaches the client
 * as a generic INTERNAL_SERVER_ERROR and is logged in full, so internals never leak.
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.['code'];
    if (isAppError(original) || (code && code !== 'INTERNAL_SERVER_ERROR')) return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Something went wrong on our side. Please try again.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** Stops every service on SIGINT/SIGTERM, in order, then exits; a second signal exits at once. */
export function stopOnSignals(logger: Logger, stops: (() => Promise<void>)[], timeoutMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    (async () => {
      for (const stop of stops) await stop();
    })().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
