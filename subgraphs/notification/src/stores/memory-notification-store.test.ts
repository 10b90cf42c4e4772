import { MemoryNotificationStore } from './memory-notification-store';
import { notificationStoreContract } from './notification-store.contract';

notificationStoreContract('memory', async () => ({ store: new MemoryNotificationStore() }));
