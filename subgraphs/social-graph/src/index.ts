import { createLogger, stopOnSignals } from '@social/kit';
import { parseSocialGraphConfig } from './config';
import { startSocialGraphService } from './server';

async function main() {
  const config = parseSocialGraphConfig();
  const logger = createLogger('social-graph', config.LOG_LEVEL);
  const service = await startSocialGraphService(config, { logger });
  stopOnSignals(logger, [() => service.stop()], config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
