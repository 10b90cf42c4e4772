import { createLogger, stopOnSignals } from '@social/kit';
import { parseGatewayConfig } from './config';
import { startGateway } from './server';

async function main() {
  const config = parseGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const gateway = await startGateway(config, { logger });
  stopOnSignals(logger, [gateway.stop], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
