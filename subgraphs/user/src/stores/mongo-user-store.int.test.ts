import type { Connection } from 'mongoose';
import { realServers, uniqueName } from '@social/test-kit';
import { connectMongo } from './mongo';
import { MongoUserStore } from './mongo-user-store';
import { userStoreContract } from './user-store.contract';

let conn: Connection | undefined;
afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
});

userStoreContract('mongodb', async () => {
  conn = await connectMongo(realServers().mongodbUri, uniqueName('user'));
  return MongoUserStore.open(conn);
});
