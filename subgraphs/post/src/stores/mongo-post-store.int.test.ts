import mongoose, { Types } from 'mongoose';
import { newId } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { MongoPostStore } from './mongo-post-store';
import { postStoreContract } from './post-store.contract';

const { mongodbUri } = realServers();
const databases: string[] = [];

async function connect(dbName = uniqueName('post')): Promise<MongoPostStore> {
  databases.push(dbName);
  return MongoPostStore.connect({ uri: mongodbUri, dbName });
}

// Every test gets its own database; they are dropped together at the end with one connection.
afterAll(async () => {
  const conn = await mongoose.createConnection(mongodbUri).asPromise();
  try {
    for (const dbName of databases) await conn.useDb(dbName).dropDatabase();
  } finally {
    await conn.close();
  }
});

postStoreContract('mongo', async () => {
  const store = await connect();
  return { store, close: () => store.close() };
});

describe('MongoPostStore start-up', () => {
  it('creates the author/newest-first index when it connects, and answers ping', async () => {
    const store = await connect();
    try {
      await store.ping();
      expect(await store.indexNames()).toContain('author_newest');
    } finally {
      await store.close();
    }
  });
});

describe('MongoPostStore deletion claims', () => {
  it('finishes a delete whose request died between claiming the post and marking it', async () => {
    const dbName = uniqueName('post');
    const store = await connect(dbName);
    const raw = await mongoose.createConnection(mongodbUri, { dbName }).asPromise();
    try {
      const post = await store.create({ authorId: newId(), text: 'half deleted' });
      // What a crashed delete leaves behind: the claim, but the post still live.
      await raw.collection('post_deletions').insertOne({ _id: new Types.ObjectId(post.id), deletedAt: new Date() });
      expect(await store.findById(post.id)).not.toBeNull();

      expect(await store.softDelete(post.id)).toBeNull(); // the claim's owner already won
      expect(await store.findById(post.id)).toBeNull();
      expect(await store.listByAuthor(post.authorId, 10)).toEqual([]);
    } finally {
      await raw.close();
      await store.close();
    }
  });
});
