import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createLogger, newId } from '@social/kit';
import { createEventBus, type EventBus, type EventEnvelope, type Subject } from '@social/events';
import type { PostRunningService } from '@social/post';
import { eventually, privateServer, realServers, uniqueName, type PrivateServer } from '@social/test-kit';
import { errorCode, GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

/**
 * Issue 5 end to end through the gateway on real servers (FerretDB, Neo4j, Redis, NATS JetStream):
 * likes, comments, mentions, views, the write-behind counters and their failure modes.
 */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const CREATE_POST = `mutation($text: String!) { createPost(text: $text) { id mentions { handle } } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }`;
const LIKE = `mutation($p: ID!) { likePost(postId: $p) { id likeCount viewerHasLiked } }`;
const UNLIKE = `mutation($p: ID!) { unlikePost(postId: $p) { id likeCount viewerHasLiked } }`;
const COMMENT = `mutation($p: ID!, $t: String!) { addComment(postId: $p, text: $t) { id text author { handle } mentions { handle } post { commentCount } } }`;
const DELETE_COMMENT = `mutation($c: ID!) { deleteComment(commentId: $c) { deletedCommentId post { commentCount } } }`;
const VIEW = `mutation($ids: [ID!]!) { recordView(postIds: $ids) }`;
const POST = `query($id: ID!) { post(id: $id) {
  likeCount commentCount viewCount viewerHasLiked
  likedBy(first: 10) { edges { node { handle } } }
  comments(first: 10) { edges { node { text author { handle } } } }
} }`;
const POST_COUNTS = `query($id: ID!) { post(id: $id) { likeCount commentCount viewCount } }`;

type Account = { id: string; handle: string; client: GraphQLClient };

/** One stack on real servers plus helpers; `servers` may swap in private NATS or Redis. */
function interactionsStack(servers: () => Promise<Partial<ReturnType<typeof realServers>>>) {
  const ctx = {} as {
    stack: Stack;
    anon: GraphQLClient;
    isolation: string;
    post: PostRunningService;
    listener: EventBus;
    events: EventEnvelope[];
  };
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    ctx.isolation = uniqueName('e2e');
    const real = { ...realServers(), ...(await servers()), isolation: ctx.isolation };
    // Flushes are triggered by the tests; the relay retries quickly so outages heal within a test.
    ctx.stack = await startStack({
      real,
      postEnv: {
        FLUSH_INTERVAL_MS: '0',
        FLUSH_LOCK_TTL_MS: '2000',
        OUTBOX_RELAY_INTERVAL_MS: '200',
        OUTBOX_STALE_MS: '500',
        RECONCILE_INTERVAL_MS: '0',
      },
    });
    ctx.anon = new GraphQLClient(ctx.stack.gatewayUrl);
    ctx.post = ctx.stack.services.post as PostRunningService;
    ctx.listener = await createEventBus({
      natsUrl: real.natsUrl,
      subjectPrefix: `${ctx.isolation}.`,
      logger: createLogger('e2e', 'silent'),
    });
    ctx.events = [];
    const subjects: Subject[] = ['post.liked', 'post.unliked', 'comment.added', 'comment.deleted', 'user.mentioned'];
    await ctx.listener.consume({ durable: 'e2e_interactions', subjects, handler: async (e) => void ctx.events.push(e) });
  });
  afterAll(async () => {
    await ctx.listener?.close();
    await ctx.stack?.stop();
  });

  const register = async (name: string): Promise<Account> => {
    const { register } = await ctx.anon.data(REGISTER, {
      input: { handle: `${name}_${suffix}`.slice(0, 15), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
    });
    return { id: register.user.id, handle: register.user.handle, client: ctx.anon.withToken(register.accessToken) };
  };
  const eventsFor = (subject: Subject, postId: string) =>
    ctx.events.filter((e) => e.subject === subject && (e.data as { postId: string }).postId === postId);
  const stored = async (postId: string) => (await ctx.post.workers.storedCounts([postId]))[0]!.counts;
  return { ctx, register, eventsFor, stored };
}

describe('likes, comments, mentions and counters through the gateway', () => {
  const { ctx, register, eventsFor, stored } = interactionsStack(async () => ({}));

  it('likes, likes twice, unlikes, comments, mentions and deletes a comment, with counts before and after a flush', async () => {
    const [alice, bob, carol] = [await register('alice'), await register('bob'), await register('carol')];
    const post = (await alice.client.data(CREATE_POST, { text: `hello @${bob.handle.toUpperCase()} and @nobody_${newId().slice(0, 4)}` }))
      .createPost;
    expect(post.mentions).toEqual([{ handle: bob.handle }]);

    expect((await bob.client.data(LIKE, { p: post.id })).likePost).toEqual({ id: post.id, likeCount: 1, viewerHasLiked: true });
    expect((await bob.client.data(LIKE, { p: post.id })).likePost.likeCount).toBe(1); // liking twice is one like
    expect((await carol.client.data(LIKE, { p: post.id })).likePost.likeCount).toBe(2);
    expect((await carol.client.data(UNLIKE, { p: post.id })).unlikePost).toEqual({ id: post.id, likeCount: 1, viewerHasLiked: false });
    expect((await carol.client.data(UNLIKE, { p: post.id })).unlikePost.likeCount).toBe(1); // never liked now: a no-op
    await carol.client.data(LIKE, { p: post.id });

    const comment = (await carol.client.data(COMMENT, { p: post.id, t: `nice one @${alice.handle}` })).addComment;
    expect(comment).toMatchObject({ author: { handle: carol.handle }, mentions: [{ handle: alice.handle }], post: { commentCount: 1 } });
    await bob.client.data(COMMENT, { p: post.id, t: 'agreed' });
    expect(errorCode(await bob.client.request(DELETE_COMMENT, { c: comment.id }))).toBe('FORBIDDEN');
    expect((await alice.client.data(DELETE_COMMENT, { c: comment.id })).deleteComment).toEqual({
      deletedCommentId: comment.id,
      post: { commentCount: 1 },
    });
    expect((await carol.client.data(VIEW, { ids: [post.id] })).recordView).toBe(1);

    // Before the flush the database holds nothing; the API adds the pending deltas.
    expect(await stored(post.id)).toEqual({ likes: 0, comments: 0, views: 0 });
    const before = (await bob.client.data(POST, { id: post.id })).post;
    expect(before).toMatchObject({ likeCount: 2, commentCount: 1, viewCount: 1, viewerHasLiked: true });
    expect(before.likedBy.edges.map((e: { node: { handle: string } }) => e.node.handle)).toEqual([carol.handle, bob.handle]);
    expect(before.comments.edges.map((e: { node: { text: string } }) => e.node.text)).toEqual(['agreed']);

    expect(await ctx.post.workers.flushNow()).toMatchObject({ status: 'flushed' });
    expect(await stored(post.id)).toEqual({ likes: 2, comments: 1, views: 1 });
    expect((await bob.client.data(POST, { id: post.id })).post).toEqual(before);

    await eventually(async () => (eventsFor('comment.deleted', post.id).length === 1 ? true : undefined));
    expect(eventsFor('post.liked', post.id)).toHaveLength(3); // bob, carol, carol again: one per like made
    expect(eventsFor('post.unliked', post.id)).toHaveLength(1);
    expect(eventsFor('comment.added', post.id)).toHaveLength(2);
    const mentions = ctx.events.filter((e) => e.subject === 'user.mentioned' && (e.data as { postId: string }).postId === post.id);
    expect(mentions.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { mentionedUserId: bob.id, byUserId: alice.id, postId: post.id, commentId: null },
        { mentionedUserId: alice.id, byUserId: carol.id, postId: post.id, commentId: comment.id },
      ]),
    );
  });

  it('answers bad input with stable codes', async () => {
    const [dave, erin] = [await register('dave'), await register('erin')];
    const post = (await dave.client.data(CREATE_POST, { text: 'bad input lives here' })).createPost;
    expect(errorCode(await erin.client.request(LIKE, { p: newId() }))).toBe('NOT_FOUND');
    expect(errorCode(await erin.client.request(COMMENT, { p: post.id, t: 'x'.repeat(141) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await erin.client.request(COMMENT, { p: post.id, t: ' \n ' }))).toBe('BAD_USER_INPUT');
    const unliked = await erin.client.request(UNLIKE, { p: post.id });
    expect(unliked.errors).toBeUndefined(); // unliking what you never liked is a no-op
    const tooMany = await erin.client.request(VIEW, { ids: Array.from({ length: 300 }, newId) });
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0]!.message).toMatch(/at most 100 post ids per call, and got 300/);
    expect(errorCode(await ctx.anon.request(LIKE, { p: post.id }))).toBe('UNAUTHENTICATED');

    await dave.client.data(DELETE_POST, { id: post.id });
    expect(errorCode(await erin.client.request(COMMENT, { p: post.id, t: 'too late' }))).toBe('NOT_FOUND');
    expect(errorCode(await erin.client.request(LIKE, { p: post.id }))).toBe('NOT_FOUND');
  });

  it('survives a flusher process killed mid-flush: nothing lost, nothing counted twice', async () => {
    const [frank, gina] = [await register('frank'), await register('gina')];
    const post = (await frank.client.data(CREATE_POST, { text: 'count me once' })).createPost;
    await gina.client.data(LIKE, { p: post.id });
    await frank.client.data(LIKE, { p: post.id });
    await gina.client.data(VIEW, { ids: [post.id] });

    // A second flusher, in its own process, on this stack's database and Redis keys, SIGKILLed
    // after it took the deltas and before it wrote them.
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@social/source', FLUSHER_CHILD], {
      cwd: path.dirname(FLUSHER_CHILD),
      env: {
        ...process.env,
        MONGODB_URI: realServers().mongodbUri,
        MONGODB_DB: `${ctx.isolation}_post`,
        REDIS_URL: realServers().redisUrl,
        REDIS_KEY_PREFIX: `${ctx.isolation}:post:`,
        FLUSH_LOCK_TTL_MS: '2000',
        CRASH_AT: 'afterOpen',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => ((out += b), out.includes('AT afterOpen') && resolve()));
        child.stderr!.on('data', (b: Buffer) => (out += b));
        child.once('exit', () => reject(new Error(`flusher exited early: ${out}`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    expect((await gina.client.data(POST_COUNTS, { id: post.id })).post).toEqual({ likeCount: 2, commentCount: 0, viewCount: 1 });
    await eventually(async () => ((await ctx.post.workers.flushNow()).status === 'flushed' ? true : undefined)); // once the dead lock expires
    expect(await stored(post.id)).toEqual({ likes: 2, comments: 0, views: 1 });
    expect((await gina.client.data(POST_COUNTS, { id: post.id })).post).toEqual({ likeCount: 2, commentCount: 0, viewCount: 1 });
  });
});

// The crash fixture of the post subgraph's own tests (a test file, run as a process, not imported).
const FLUSHER_CHILD = path.join(__dirname, '..', '..', '..', 'subgraphs', 'post', 'test', 'support', 'flusher-child.ts');

describe('interactions when NATS or Redis fail (private servers)', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  const { ctx, register, eventsFor, stored } = interactionsStack(async () => {
    [nats, redis] = await Promise.all([privateServer('nats'), privateServer('redis')]);
    return { natsUrl: nats.url, redisUrl: redis.url };
  });
  afterAll(async () => {
    await Promise.all([nats?.close(), redis?.close()]);
  });

  it('a like made while NATS is down succeeds, and its event arrives after NATS returns', async () => {
    const [hana, ivan] = [await register('hana'), await register('ivan')];
    const post = (await hana.client.data(CREATE_POST, { text: 'like me in the dark' })).createPost;
    await nats.stop();
    const liked = await ivan.client.request(LIKE, { p: post.id });
    expect(liked.errors).toBeUndefined();
    expect(liked.data!.likePost).toMatchObject({ likeCount: 1, viewerHasLiked: true });
    expect(eventsFor('post.liked', post.id)).toEqual([]);
    await nats.start();
    await eventually(async () => (eventsFor('post.liked', post.id).length > 0 ? true : undefined), 30_000);
    expect(eventsFor('post.liked', post.id)).toHaveLength(1); // a re-publish with the same id is dropped by the stream
    expect(eventsFor('post.liked', post.id)[0]!.data).toEqual({ postId: post.id, authorId: hana.id, userId: ivan.id });
  });

  it('Redis restarted with pending deltas: like and comment counts come back exact, views are approximate', async () => {
    const [jack, kate, liam] = [await register('jack'), await register('kate'), await register('liam')];
    const post = (await jack.client.data(CREATE_POST, { text: 'volatile counts' })).createPost;
    await kate.client.data(LIKE, { p: post.id });
    await eventually(async () => ((await ctx.post.workers.flushNow()).status === 'flushed' ? true : undefined));
    expect(await stored(post.id)).toMatchObject({ likes: 1 });

    await liam.client.data(LIKE, { p: post.id });
    await liam.client.data(COMMENT, { p: post.id, t: 'pending' });
    await kate.client.data(VIEW, { ids: [post.id] });
    expect((await jack.client.data(POST_COUNTS, { id: post.id })).post).toEqual({ likeCount: 2, commentCount: 1, viewCount: 1 });

    await redis.stop();
    await redis.start(); // no AOF: the pending deltas are gone
    const flush = await eventually(async () => ctx.post.workers.flushNow().catch(() => undefined));
    expect(flush.dataLoss).toBe(true); // noticed the new epoch, reconciled from the likes and comments collections
    expect((await jack.client.data(POST_COUNTS, { id: post.id })).post).toEqual({ likeCount: 2, commentCount: 1, viewCount: 0 });
    expect(await stored(post.id)).toEqual({ likes: 2, comments: 1, views: 0 });
  });
});
