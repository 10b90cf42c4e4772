import { createLogger, stopOnSignals } from '@social/kit';
import { parseUserConfig } from './config';
import { startUserService } from './server';

async function main(): Promise<void> {
  const config = parseUserConfig();
  const logger = createLogger('user', config.LOG_LEVEL);
  const service = await startUserService(config, { logger });
  stopOnSignals(logger, [service.stop], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
