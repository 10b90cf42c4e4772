import type { Logger } from '@social/kit';
import { EVENT_VERSION, type Consumer, type EventBus, type EventEnvelope } from '@social/events';
import type { NotificationConfig } from '../config';
import { changeFor, NOTIFICATION_SUBJECTS } from '../grouping/changes';
import type { InboxWriter } from '../inbox-writer';
import type { NotificationStore } from '../stores/notification-store';
import { periodic } from './periodic';
import { removeExpiredGroups } from './retention';

/** The durable consumer name, shared by every instance of the service. */
export const NOTIFICATION_DURABLE = 'notification';

export interface Workers {
  /** Runs the retention job now; resolves with the number of groups removed. */
  removeExpiredNow(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/** Handles one event: its change is stored (and then acknowledged) or the handler throws (and it is retried). */
export function notificationHandler(writer: InboxWriter, windowMs: number, logger: Logger) {
  return async (event: EventEnvelope): Promise<void> => {
    if (event.version !== EVENT_VERSION)
      return void logger.warn({ subject: event.subject, version: event.version }, 'skipping an event version this service does not know');
    const change = changeFor(event, windowMs);
    if (change) await writer.submit(change);
  };
}

/**
 * Attaches CONSUMER_CONCURRENCY consumers to one durable, so that many events are in flight at once
 * (each attachment handles one at a time) and the InboxWriter can group-commit a recipient's burst.
 */
export async function startWorkers(
  bus: EventBus,
  writer: InboxWriter,
  store: NotificationStore,
  config: NotificationConfig,
  logger: Logger,
): Promise<Workers> {
  const handler = notificationHandler(writer, config.NOTIFICATION_GROUP_WINDOW_HOURS * 60 * 60_000, logger);
  const consumers: Consumer[] = [];
  try {
    for (let i = 0; i < config.CONSUMER_CONCURRENCY; i++) {
      consumers.push(await bus.consume({ durable: NOTIFICATION_DURABLE, subjects: [...NOTIFICATION_SUBJECTS], handler }));
    }
  } catch (err) {
    await Promise.all(consumers.map((c) => c.stop()));
    throw err;
  }
  const retention = periodic(
    'retention',
    config.RETENTION_INTERVAL_MS,
    () => removeExpiredGroups(store, config.NOTIFICATION_RETENTION_DAYS),
    logger,
  );
  return {
    removeExpiredNow: (now) => removeExpiredGroups(store, config.NOTIFICATION_RETENTION_DAYS, now),
    stop: async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      await retention.stop();
    },
  };
}
