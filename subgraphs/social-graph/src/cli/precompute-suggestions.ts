import { createEventBus } from '@social/events';
import { createLogger } from '@social/kit';
import { parseSocialGraphConfig } from '../config';
import { createRuntime, openStores } from '../runtime';

/**
 * One run of the suggestions batch job, then exit: `npm run suggestions:precompute -w @social/social-graph`
 * (for cron or a Kubernetes CronJob when the in-process timer is off). Reads the same environment as
 * the service; without NEO4J_URI and REDIS_URL there is nothing durable to compute from or store
 * into, so it refuses. Exit code 0 on success (also when another process held the lock), 1 otherwise.
 */
async function main(): Promise<number> {
  const config = parseSocialGraphConfig();
  const logger = createLogger('social-graph-precompute', config.LOG_LEVEL);
  if (!config.NEO4J_URI || !config.REDIS_URL) {
    logger.error('suggestions:precompute needs NEO4J_URI and REDIS_URL (the memory stores live inside the service process)');
    return 1;
  }
  const stores = await openStores(config);
  const bus = await createEventBus({
    natsUrl: config.NATS_URL,
    subjectPrefix: config.EVENT_SUBJECT_PREFIX,
    logger,
    name: 'social-graph-precompute',
  });
  try {
    const report = await createRuntime(config, stores, bus, logger).precompute();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await bus.close();
    await stores.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
