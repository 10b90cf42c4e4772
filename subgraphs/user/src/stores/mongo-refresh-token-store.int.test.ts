import type { Connection } from 'mongoose';
import { realServers, uniqueName } from '@social/test-kit';
import { connectMongo } from './mongo';
import { MongoRefreshTokenStore } from './mongo-refresh-token-store';
import { refreshTokenStoreContract } from './refresh-token-store.contract';

let conn: Connection | undefined;
afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
});

refreshTokenStoreContract('mongodb', async () => {
  conn = await connectMongo(realServers().mongodbUri, uniqueName('user'));
  return MongoRefreshTokenStore.open(conn);
});
