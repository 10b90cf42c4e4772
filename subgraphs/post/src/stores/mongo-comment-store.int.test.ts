import { mongoTestDbs } from '../../test/support/mongo-test-db';
import { commentStoreContract } from './comment-store.contract';
import { MongoCommentStore } from './mongo-comment-store';

const dbs = mongoTestDbs();
afterAll(() => dbs.dropAll());

commentStoreContract('mongo', async () => {
  const connection = await dbs.open();
  return { store: await MongoCommentStore.open(connection), close: () => connection.close() };
});
