import mongoose from 'mongoose';
import { createLogger, newId } from '@social/kit';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { JetStreamEventBus, NatsLiveBus, createEventBus, liveSubjects, type EventEnvelope } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { startPostService } from '../src/server';
import { COMMENT, CREATE, DELETE, ENTITIES, LIKE, POST, RECENT, clientFor, startHarness, testConfig, type Harness } from './harness';

const { mongodbUri, natsUrl } = realServers();
const dbName = uniqueName('post');
const env = { MONGODB_URI: mongodbUri, MONGODB_DB: dbName };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(async () => {
  const conn = await mongoose.createConnection(mongodbUri, { dbName }).asPromise();
  await conn.dropDatabase();
  await conn.close();
});

describe('post service on MongoDB (FerretDB in CI)', () => {
  it('reports MongoDB in /ready and keeps posts across a restart', async () => {
    h = await startHarness({ env });
    const ready = await fetch(h.service.url.replace('/graphql', '/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: 'ok' } });

    const alice = newId();
    const created = await h.gql(CREATE, { text: 'persisted' }, alice);
    expect(created.errors).toBeUndefined();
    const id = created.data.createPost.id;
    await h.stop();

    h = await startHarness({ env });
    expect((await h.gql(POST, { id })).data.post).toMatchObject({ id, text: 'persisted', author: { id: alice } });
    expect((await h.gql(DELETE, { id }, alice)).errors).toBeUndefined();
    expect((await h.gql(POST, { id })).data.post).toBeNull();
    expect((await h.gql(RECENT, { a: [alice], n: 10 })).data._recentPostIds).toEqual([]);
    expect((await h.gql(ENTITIES, { r: [{ __typename: 'Post', id }] })).data._entities).toEqual([null]);
  });

  it('publishes post.created and post.deleted on NATS JetStream when NATS_URL is set', async () => {
    const prefix = `${uniqueName('post')}.`;
    const logger = createLogger('post-test', 'silent');
    const service = await startPostService(testConfig({ ...env, NATS_URL: natsUrl, EVENT_SUBJECT_PREFIX: prefix }), { logger });
    const listener = await createEventBus({ natsUrl, subjectPrefix: prefix, logger, name: 'post-test' });
    const received: EventEnvelope[] = [];
    const consumer = await listener.consume({
      durable: 'post_test',
      subjects: ['post.created', 'post.deleted'],
      handler: async (e) => void received.push(e),
    });
    try {
      const ready = await fetch(service.url.replace('/graphql', '/ready'));
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: 'ok', nats: 'ok' } });

      const client = clientFor(service);
      const alice = newId();
      const created = await client.gql(CREATE, { text: 'over the wire' }, alice);
      expect(created.errors).toBeUndefined();
      const { id, createdAt } = created.data.createPost;
      expect((await client.gql(DELETE, { id }, alice)).errors).toBeUndefined();

      await eventually(async () => (received.length >= 2 ? true : undefined));
      expect(received.map((e) => [e.subject, e.data])).toEqual([
        ['post.created', { postId: id, authorId: alice, createdAt }],
        ['post.deleted', { postId: id, authorId: alice }],
      ]);
    } finally {
      await consumer.stop();
      await listener.close();
      await service.stop();
      await deleteStreams(listener as JetStreamEventBus);
    }
  });
});

describe('interactions on real servers', () => {
  it('publishes post.liked and comment.added on JetStream (ids as Nats-Msg-Id) and live events on core NATS', async () => {
    const prefix = `${uniqueName('post')}.`;
    const logger = createLogger('post-test', 'silent');
    const service = await startPostService(testConfig({ ...env, NATS_URL: natsUrl, EVENT_SUBJECT_PREFIX: prefix }), { logger });
    const listener = await createEventBus({ natsUrl, subjectPrefix: prefix, logger, name: 'post-test' });
    const live = await NatsLiveBus.connect({ servers: natsUrl, subjectPrefix: prefix, logger });
    const received: EventEnvelope[] = [];
    const consumer = await listener.consume({
      durable: 'post_test_i',
      subjects: ['post.liked', 'comment.added'],
      handler: async (e) => void received.push(e),
    });
    try {
      const client = clientFor(service);
      const [author, alice] = [newId(), newId()];
      const post = (await client.gql(CREATE, { text: 'like me' }, author)).data.createPost.id;
      const liveGot: [string, unknown][] = [];
      live.subscribeLive(liveSubjects.anyForPost(post), (payload, subject) => liveGot.push([subject, payload]));
      await live.flush();

      expect((await client.gql(LIKE, { p: post }, alice)).data.likePost.likeCount).toBe(1);
      const comment = (await client.gql(COMMENT, { p: post, t: 'hi' }, alice)).data.addComment;
      await eventually(async () => (received.length >= 2 && liveGot.length >= 4 ? true : undefined));
      expect(received.map((e) => [e.subject, e.data])).toEqual([
        ['post.liked', { postId: post, authorId: author, userId: alice }],
        ['comment.added', { commentId: comment.id, postId: post, postAuthorId: author, authorId: alice, createdAt: comment.createdAt }],
      ]);
      expect(liveGot).toContainEqual([liveSubjects.postLiked(post), { postId: post, userId: alice, likeCount: 1 }]);
      expect(liveGot).toContainEqual([liveSubjects.postUpdated(post), { postId: post, likeCount: 1, commentCount: 1, viewCount: 0 }]);
    } finally {
      await consumer.stop();
      await live.close();
      await listener.close();
      await service.stop();
      await deleteStreams(listener as JetStreamEventBus);
    }
  });
});

/** Streams are per subject prefix; remove this test's so the shared server does not collect them. */
async function deleteStreams(bus: JetStreamEventBus): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(bus.streamName);
    await jsm.streams.delete(bus.deadLetterStreamName).catch(() => undefined); // created lazily, may not exist
  } finally {
    await nc.close();
  }
}
