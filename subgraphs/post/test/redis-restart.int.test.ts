import { newId } from '@social/kit';
import { eventually, privateServer, realServers, uniqueName, type PrivateServer } from '@social/test-kit';
import { mongoTestDbs } from './support/mongo-test-db';
import { COMMENT, COUNTS, LIKE, UNLIKE, VIEW, createPosts, startHarness, type Harness } from './harness';

realServers();
const dbs = mongoTestDbs();
let redis: PrivateServer;
let h: Harness | undefined;

beforeAll(async () => {
  redis = await privateServer('redis'); // ours alone: stopping it cannot disturb other tests
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(async () => {
  await redis.close();
  await dbs.dropAll();
});

describe('Redis restarted (no persistence) with pending deltas', () => {
  it('loses the pending deltas, then the reconcile restores exact like and comment counts; views stay approximate', async () => {
    const dbName = uniqueName('post');
    await (await dbs.open(dbName)).close();
    h = await startHarness({
      env: { MONGODB_URI: dbs.uri, MONGODB_DB: dbName, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'p:', OUTBOX_STALE_MS: '0' },
    });
    const [a, b] = await createPosts(h, newId(), 2);
    const [alice, bob] = [newId(), newId()];
    await h.gql(LIKE, { p: a }, alice);
    await h.gql(VIEW, { ids: [a] });
    expect((await h.service.workers.flushNow()).status).toBe('flushed'); // the epoch starts; a is stored with 1 like

    // Pending, not flushed yet:
    await h.gql(LIKE, { p: a }, bob);
    await h.gql(LIKE, { p: b }, alice);
    await h.gql(COMMENT, { p: b, t: 'one' }, bob);
    await h.gql(UNLIKE, { p: a }, alice);
    await h.gql(VIEW, { ids: [a, b] });
    expect((await h.gql(COUNTS, { id: a })).data.post).toMatchObject({ likeCount: 1, viewCount: 2 });
    expect((await h.gql(COUNTS, { id: b })).data.post).toMatchObject({ likeCount: 1, commentCount: 1, viewCount: 1 });

    await redis.stop();
    // While Redis is down: likes still succeed (the count waits in the outbox), reads serve stored counts.
    const during = await h.gql(LIKE, { p: b }, newId());
    expect(during.errors).toBeUndefined();
    expect((await h.gql(COUNTS, { id: a })).data.post).toMatchObject({ likeCount: 1, viewCount: 1 });
    await redis.start();

    // The pending deltas are gone. The next flush notices the new epoch and reconciles from the
    // likes and comments collections (ioredis may need a moment to reconnect: retry until it answers).
    const flush = await eventually(() => h!.service.workers.flushNow());
    expect(flush.dataLoss).toBe(true);
    expect(await h.service.workers.relayNow()).toBe(1); // the count of the like made during the outage
    await h.service.workers.flushNow();
    expect((await h.gql(COUNTS, { id: a })).data.post).toMatchObject({ likeCount: 1, commentCount: 0 }); // exact: bob
    expect((await h.gql(COUNTS, { id: b })).data.post).toMatchObject({ likeCount: 2, commentCount: 1 }); // exact: alice + the one during the outage
    // Views are impressions: the two pending views of this interval were lost, as documented.
    expect((await h.gql(COUNTS, { id: a })).data.post.viewCount).toBe(1);
    expect(await h.service.workers.reconciler.recountPost(b!)).toEqual({ postId: b, likes: 0, comments: 0 });
  });
});
