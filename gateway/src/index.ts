import cluster from 'node:cluster';
import { createLogger, stopOnSignals } from '@social/kit';
import { runPrimary, runWorker, workerCount } from './cluster';
import { parseGatewayConfig } from './config';
import { startGateway } from './server';

async function main() {
  const config = parseGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const timeoutMs = config.SHUTDOWN_TIMEOUT_MS + 5_000;
  const workers = workerCount(config.GATEWAY_WORKERS);
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers, logger, timeoutMs);
  if (cluster.isWorker) return runWorker(() => startGateway(config, { logger }), logger, timeoutMs);
  const gateway = await startGateway(config, { logger });
  stopOnSignals(logger, [gateway.stop], timeoutMs);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
