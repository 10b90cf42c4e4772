import { createLogger, stopOnSignals } from '@social/kit';
import { parsePostConfig } from './config';
import { startPostService } from './server';

async function main() {
  const config = parsePostConfig();
  const logger = createLogger('post', config.LOG_LEVEL);
  const service = await startPostService(config, { logger });
  stopOnSignals(logger, [service.stop], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
