import path from 'node:path';
import { createLogger, startSubgraph, type Logger, type RunningService } from '@social/kit';
import { createEventBus, createLiveBus, type EventBus, type LivePublisher } from '@social/events';
import type { NotificationConfig } from './config';
import type { Context } from './context';
import { InboxWriter } from './inbox-writer';
import { NotificationService } from './notification-service';
import { resolvers } from './resolvers';
import { openStore } from './stores/open-stores';
import type { NotificationStore } from './stores/notification-store';
import { startWorkers, type Workers } from './workers/start-workers';

export { parseNotificationConfig, type NotificationConfig } from './config';
export type { NotificationStore } from './stores/notification-store';
export type { Workers } from './workers/start-workers';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface NotificationServiceDeps {
  /** The embedded default shares one in-process bus between every service. */
  bus?: EventBus;
  /** Live events; the embedded default shares one in-process live bus with the gateway. */
  live?: LivePublisher;
  logger?: Logger;
  /** Tests inject a store (e.g. to count writes); otherwise it is built from config. */
  store?: NotificationStore;
}

/** The running service, with its consumer and retention job reachable for tests and operations. */
export interface NotificationRunningService extends RunningService {
  workers: Workers;
  store: NotificationStore;
}

/**
 * Starts the notification subgraph and its event consumer: groups in MongoDB (or memory), events from
 * JetStream when NATS_URL is set (else an in-process bus), live events on core NATS likewise.
 */
export async function startNotificationService(
  config: NotificationConfig,
  deps: NotificationServiceDeps = {},
): Promise<NotificationRunningService> {
  const logger = deps.logger ?? createLogger('notification', config.LOG_LEVEL);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of [...closers].reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'closing a dependency failed'));
  };

  try {
    const opened = await openStore(config, logger, deps.store);
    closers.push(() => opened.close());
    const readiness = { ...opened.readiness };

    let bus = deps.bus;
    if (!bus) {
      const own = await createEventBus({
        natsUrl: config.NATS_URL,
        subjectPrefix: config.EVENT_SUBJECT_PREFIX,
        logger,
        name: 'notification',
      });
      bus = own;
      closers.push(() => own.close());
      if (config.NATS_URL) readiness['nats'] = () => own.ping();
    }
    let live = deps.live;
    if (!live) {
      const own = await createLiveBus({
        natsUrl: config.NATS_URL,
        subjectPrefix: config.EVENT_SUBJECT_PREFIX,
        logger,
        name: 'notification',
      });
      live = own;
      closers.push(() => own.close());
    }

    const writer = new InboxWriter(opened.store, live, logger);
    const workers = await startWorkers(bus, writer, opened.store, config, logger);
    closers.push(() => workers.stop());
    const notifications = new NotificationService(opened.store);

    const running = await startSubgraph<Context>({
      name: 'notification',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      metricsToken: config.METRICS_TOKEN,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      readiness,
      context: ({ caller, viewerId }) => ({ caller, viewerId, notifications, logger }),
      onShutdown: closeAll,
    });
    return { ...running, workers, store: opened.store };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
