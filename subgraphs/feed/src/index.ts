import { createLogger, stopOnSignals } from '@social/kit';
import { parseFeedConfig } from './config';
import { startFeedService } from './server';

async function main(): Promise<void> {
  const config = parseFeedConfig();
  const logger = createLogger('feed', config.LOG_LEVEL);
  const service = await startFeedService(config, { logger });
  stopOnSignals(logger, [() => service.stop()], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
