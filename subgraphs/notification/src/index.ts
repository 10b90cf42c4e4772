import { createLogger, stopOnSignals } from '@social/kit';
import { parseNotificationConfig } from './config';
import { startNotificationService } from './server';

async function main() {
  const config = parseNotificationConfig();
  const logger = createLogger('notification', config.LOG_LEVEL);
  const service = await startNotificationService(config, { logger });
  stopOnSignals(logger, [service.stop], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
