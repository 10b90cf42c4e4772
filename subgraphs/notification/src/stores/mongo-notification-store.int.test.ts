import { realServers, uniqueName } from '@social/test-kit';
import { connectMongo } from './mongo-connection';
import { MongoNotificationStore } from './mongo-notification-store';
import { notificationStoreContract } from './notification-store.contract';

const { mongodbUri } = realServers();

// A fresh database per test, never dropped (dropping a database on FerretDB while it is written crashes it).
notificationStoreContract('mongo', async () => {
  const connection = await connectMongo(mongodbUri, uniqueName('notification'));
  return { store: await MongoNotificationStore.open(connection), close: () => connection.close() };
});
