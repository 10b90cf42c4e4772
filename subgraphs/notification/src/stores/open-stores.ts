import type { Logger, ReadinessCheck } from '@social/kit';
import type { NotificationConfig } from '../config';
import { MemoryNotificationStore } from './memory-notification-store';
import { connectMongo } from './mongo-connection';
import { MongoNotificationStore } from './mongo-notification-store';
import type { NotificationStore } from './notification-store';

export interface OpenedStore {
  store: NotificationStore;
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

/** MongoDB when MONGODB_URI is set (indexes created before serving), memory otherwise; an injected store as it is. */
export async function openStore(config: NotificationConfig, logger: Logger, injected?: NotificationStore): Promise<OpenedStore> {
  if (injected) return { store: injected, readiness: {}, close: async () => {} };
  if (!config.MONGODB_URI) {
    logger.info('notification store: memory (no MONGODB_URI)');
    return { store: new MemoryNotificationStore(), readiness: {}, close: async () => {} };
  }
  const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const store = await MongoNotificationStore.open(connection);
    return { store, readiness: { mongodb: () => store.ping() }, close: () => connection.close() };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
