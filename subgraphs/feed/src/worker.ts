import { createLogger, createMetricsRegistry, startOpsServer, stopOnSignals } from '@social/kit';
import { parseFeedConfig } from './config';
import { openFanoutParts, startFanoutWorker } from './fanout/start-fanout';

/**
 * A fan-out worker process and nothing else: it applies batches from the sharded work queue to Redis.
 * Start as many as the write load needs (each adds throughput); a killed one's batches are redelivered
 * to the others. Needs REDIS_URL and NATS_URL (the in-process queue cannot be shared).
 */
async function main(): Promise<void> {
  const config = parseFeedConfig();
  const logger = createLogger('feed-worker', config.LOG_LEVEL);
  if (!config.REDIS_URL || !config.NATS_URL) throw new Error('a fan-out worker process needs REDIS_URL and NATS_URL');
  const parts = await openFanoutParts(config, { logger }, false);
  const metrics = createMetricsRegistry('feed-worker');
  // Probed and scraped like the other processes: alive, Redis answering, and the fan-out's counters.
  // Listening first: a taken port stops the process before it takes any batch.
  const ops = await startOpsServer({
    name: 'feed-worker',
    host: config.HOST,
    port: config.WORKER_PORT,
    logger,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    readiness: { redis: () => parts.store.ping() },
  });
  const consuming = await startFanoutWorker(config, parts, metrics);
  logger.info({ shards: config.FANOUT_SHARDS }, 'fan-out worker consuming');
  stopOnSignals(logger, [() => ops.stop(), () => consuming.stop(), () => parts.close()], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
