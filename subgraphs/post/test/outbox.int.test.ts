import { Types, type Connection } from 'mongoose';
import { newId } from '@social/kit';
import { MemoryEventBus, type EventEnvelope } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { mongoTestDbs } from './support/mongo-test-db';
import { deleteRedisKeys } from './support/redis-keys';
import { COUNTS, LIKE, createPosts, startHarness, type Harness } from './harness';

const { redisUrl } = realServers();
const dbs = mongoTestDbs();
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
const redisPrefixes: string[] = [];
afterAll(async () => {
  await dbs.dropAll();
  await deleteRedisKeys(redisUrl, redisPrefixes);
});

const oid = (id: string) => new Types.ObjectId(id);
const longAgo = () => new Date(Date.now() - 60_000);

/**
 * What a process that died after its write (and before the effects) leaves behind: the document with its
 * items and, written just before it, the pending marker the relay finds it by (src/outbox/mongo-outbox.ts).
 */
async function leftByCrash(
  conn: Connection,
  collection: string,
  doc: { _id: Types.ObjectId; outbox: unknown[]; [field: string]: unknown },
): Promise<void> {
  await conn.collection('outbox_pending').insertOne({ _id: new Types.ObjectId(), source: collection, docId: doc._id, at: longAgo() });
  await conn.collection(collection).insertOne(doc);
}

async function collect(bus: MemoryEventBus): Promise<EventEnvelope[]> {
  const received: EventEnvelope[] = [];
  await bus.consume({
    durable: `outbox_${newId()}`,
    subjects: ['post.created', 'post.unliked'],
    handler: async (e) => void received.push(e),
  });
  return received;
}

describe('the outbox on MongoDB (a crash between the write and its effects)', () => {
  it('publishes, when the service starts, a post whose process died before publishing it', async () => {
    const dbName = uniqueName('post');
    const conn = await dbs.open(dbName);
    const [postId, authorId, eventId] = [newId(), newId(), newId()];
    const createdAt = new Date();
    // What the crashed process left: the post, written with its event, never published.
    await leftByCrash(conn, 'posts', {
      _id: oid(postId),
      authorId: oid(authorId),
      text: 'written, then the process died',
      createdAt,
      deletedAt: null,
      mentions: [],
      outbox: [{ id: eventId, kind: 'event', subject: 'post.created', data: { postId, authorId, createdAt: createdAt.toISOString() } }],
    });
    await conn.close();

    const bus = new MemoryEventBus();
    const received = await collect(bus);
    h = await startHarness({ bus, env: { MONGODB_URI: dbs.uri, MONGODB_DB: dbName } });
    await eventually(async () => (received.length === 1 ? true : undefined)); // the relay runs once at start
    expect(received[0]).toMatchObject({ id: eventId, subject: 'post.created', data: { postId, authorId } });
    expect(await h.service.workers.relayNow()).toBe(0); // settled
  });

  it('finishes an unlike that died between its claim and removing the like, counting it once', async () => {
    const dbName = uniqueName('post');
    const env = { MONGODB_URI: dbs.uri, MONGODB_DB: dbName, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${uniqueName('p')}:` };
    redisPrefixes.push(env.REDIS_KEY_PREFIX);
    const bus = new MemoryEventBus();
    const received = await collect(bus);
    h = await startHarness({ bus, env });
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    await h.gql(LIKE, { p: post }, alice);
    await h.service.workers.flushNow();

    const conn = await dbs.open(dbName);
    const like = await conn.collection('likes').findOne({ postId: oid(post!) });
    const eventId = newId();
    await leftByCrash(conn, 'like_removals', {
      _id: like!._id,
      postId: oid(post!),
      userId: oid(alice),
      removedAt: new Date(),
      outbox: [
        { id: newId(), kind: 'count', postId: post, field: 'likes', by: -1 },
        { id: eventId, kind: 'event', subject: 'post.unliked', data: { postId: post, authorId: author, userId: alice } },
      ],
    });
    await conn.close();
    expect((await h.gql(COUNTS, { id: post }, alice)).data.post).toMatchObject({ likeCount: 1, viewerHasLiked: true });

    expect(await h.service.workers.relayNow()).toBe(1);
    expect(await h.service.workers.relayNow()).toBe(0);
    expect((await h.gql(COUNTS, { id: post }, alice)).data.post).toMatchObject({ likeCount: 0, viewerHasLiked: false });
    await eventually(async () => (received.some((e) => e.id === eventId) ? true : undefined));
    await h.service.workers.flushNow();
    expect(await h.service.workers.reconciler.recountPost(post!)).toEqual({ postId: post, likes: 0, comments: 0 });
  });

  it('a like of a pair whose unlike was interrupted finishes that unlike first, then likes anew', async () => {
    const dbName = uniqueName('post');
    h = await startHarness({ env: { MONGODB_URI: dbs.uri, MONGODB_DB: dbName } });
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    await h.gql(LIKE, { p: post }, alice);
    const conn = await dbs.open(dbName);
    const like = await conn.collection('likes').findOne({ postId: oid(post!) });
    await conn
      .collection('like_removals')
      .insertOne({ _id: like!._id, postId: oid(post!), userId: oid(alice), removedAt: new Date(), outbox: [] });

    expect((await h.gql(LIKE, { p: post }, alice)).data.likePost.viewerHasLiked).toBe(true);
    const now = await conn.collection('likes').findOne({ postId: oid(post!) });
    expect(now!._id.toHexString()).not.toBe(like!._id.toHexString()); // a new like, which a later relay pass will not remove
    await conn.close();
  });
});
