import { mongoTestDbs } from '../../test/support/mongo-test-db';
import { likeStoreContract } from './like-store.contract';
import { MongoLikeStore } from './mongo-like-store';

const dbs = mongoTestDbs();
afterAll(() => dbs.dropAll());

likeStoreContract('mongo', async () => {
  const connection = await dbs.open();
  return { store: await MongoLikeStore.open(connection), close: () => connection.close() };
});
