import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AccessTokens, createLogger, type RunningService } from '@social/kit';
import { NatsLiveBus, liveSubjects } from '@social/events';
import { LiveCloseCode, parseGatewayConfig, startGateway } from '@social/gateway';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

/**
 * Issue 7 end to end on real servers: two gateway processes' worth of gateways (two startGateway
 * instances) on one NATS, graphql-ws clients on each; events produced by the post and notification
 * subgraphs reach every subscriber, resolved through the supergraph.
 */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const LIKED = `subscription($p: ID!) { postLiked(postId: $p) {
  likeCount likedBy { handle followerCount } post { id likeCount author { handle } }
} }`;
const COMMENTED = `subscription($p: ID!) { commentAdded(postId: $p) {
  commentId comment { id text author { handle } } author { handle } post { likeCount commentCount } commentCount
} }`;
const NOTIFIED = `subscription { notificationAdded { groupId unreadCount } }`;
const TIMELINE = `{ homeTimeline(first: 5) { timelineStatus } }`;
const TIMELINE_UPDATED = `subscription { homeTimelineUpdated { post { id text author { handle } } } }`;

type Account = { id: string; handle: string; token: string; client: GraphQLClient };
type Closed = { code: number; reason: string };

describe('live subscriptions on real servers, across two gateways', () => {
  let stack: Stack;
  let second: RunningService;
  let isolation: string;
  const suffix = randomBytes(3).toString('hex');
  const clients: Client[] = [];

  beforeAll(async () => {
    isolation = uniqueName('e2e');
    const real = { ...realServers(), isolation };
    // Two followers make a VIP here, so a VIP's posts (announced, not fanned out) can be watched too.
    stack = await startStack({ real, postEnv: { OUTBOX_RELAY_INTERVAL_MS: '200' }, socialGraphEnv: { VIP_THRESHOLD: '2' } });
    const s = stack.services;
    second = await startGateway(
      parseGatewayConfig({
        LOG_LEVEL: 'warn',
        PORT: '0',
        INTERNAL_AUTH_SECRET: stack.secrets.internal,
        ACCESS_TOKEN_SECRET: stack.secrets.accessToken,
        NATS_URL: real.natsUrl,
        EVENT_SUBJECT_PREFIX: `${isolation}.`,
        SUBGRAPH_URL_USER: s.user.url,
        SUBGRAPH_URL_SOCIAL_GRAPH: s.socialGraph.url,
        SUBGRAPH_URL_POST: s.post.url,
        SUBGRAPH_URL_FEED: s.feed.url,
        SUBGRAPH_URL_NOTIFICATION: s.notification.url,
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await second?.stop();
    await stack?.stop();
  });

  const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');
  const register = async (name: string): Promise<Account> => {
    const anon = new GraphQLClient(stack.gatewayUrl);
    const { register } = await anon.data(REGISTER, {
      input: { handle: `${name}_${suffix}`.slice(0, 15), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
    });
    return {
      id: register.user.id,
      handle: register.user.handle,
      token: register.accessToken,
      client: anon.withToken(register.accessToken),
    };
  };
  function connect(gatewayUrl: string, token?: string): { client: Client; closed: Promise<Closed> } {
    let onClosed!: (e: Closed) => void;
    const closed = new Promise<Closed>((r) => (onClosed = r));
    const client = createClient({
      url: wsUrl(gatewayUrl),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: { closed: (e) => onClosed(e as Closed) },
    });
    clients.push(client);
    return { client, closed };
  }
  /** Subscribes and resolves once the gateway acknowledged it (its first ping round-trip after subscribe). */
  function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
    const results: { data?: any; errors?: unknown }[] = [];
    const errors: { extensions?: { code?: string } }[][] = [];
    const stop = client.subscribe(
      { query, variables },
      { next: (r) => void results.push(r), error: (e) => void errors.push(e as never), complete: () => {} },
    );
    return { results, errors, stop };
  }
  /** Bus subscriptions are set up asynchronously; a live event published before that is (by design) missed. */
  const subscribed = async (gateways: { live: { stats(): { subjects: number } } }[], subjects: number) =>
    eventually(async () => (gateways.every((g) => g.live.stats().subjects >= subjects) ? true : undefined));
  const gateways = () => [stack.services.gateway, second] as unknown as { live: { stats(): { subjects: number; connections: number } } }[];

  it('delivers a like performed through either gateway to subscribers on both, fully resolved', async () => {
    const [alice, bob, carol] = await Promise.all([register('alice'), register('bob'), register('carol')]);
    await bob.client.data(`mutation($id: ID!) { follow(userId: $id) { id } }`, { id: carol.id }).catch(() => undefined);
    const { createPost } = await alice.client.data(`mutation { createPost(text: "live!") { id } }`);
    const watchers = [
      collect(connect(stack.gatewayUrl, alice.token).client, LIKED, { p: createPost.id }),
      collect(connect(stack.gatewayUrl).client, LIKED, { p: createPost.id }),
      collect(connect(second.url, carol.token).client, LIKED, { p: createPost.id }),
      collect(connect(second.url).client, LIKED, { p: createPost.id }),
    ];
    await subscribed(gateways(), 1);

    await bob.client.data(`mutation($p: ID!) { likePost(postId: $p) { likeCount } }`, { p: createPost.id });
    await eventually(async () => (watchers.every((w) => w.results.length >= 1) ? true : undefined));
    await new GraphQLClient(second.url)
      .withToken(carol.token)
      .data(`mutation($p: ID!) { likePost(postId: $p) { likeCount } }`, { p: createPost.id });
    await eventually(async () => (watchers.every((w) => w.results.length >= 2) ? true : undefined));

    for (const w of watchers) {
      expect(w.errors).toEqual([]);
      expect(w.results[0]).toEqual({
        data: {
          postLiked: {
            likeCount: 1,
            likedBy: { handle: bob.handle, followerCount: 0 },
            post: { id: createPost.id, likeCount: expect.any(Number), author: { handle: alice.handle } },
          },
        },
      });
      expect(w.results[1]!.data.postLiked).toMatchObject({
        likeCount: 2,
        likedBy: { handle: carol.handle, followerCount: expect.any(Number) },
      });
    }
  });

  it('delivers comments with the commenter and the post resolved', async () => {
    const [alice, bob] = await Promise.all([register('alice2'), register('bob2')]);
    const { createPost } = await alice.client.data(`mutation { createPost(text: "comment on me") { id } }`);
    const w = collect(connect(second.url, alice.token).client, COMMENTED, { p: createPost.id });
    await subscribed([gateways()[1]!], 1);
    const { addComment } = await bob.client.data(`mutation($p: ID!) { addComment(postId: $p, text: "hi") { id } }`, { p: createPost.id });
    await eventually(async () => (w.results.length ? true : undefined));
    expect(w.results[0]).toEqual({
      data: {
        commentAdded: {
          commentId: addComment.id,
          comment: { id: addComment.id, text: 'hi', author: { handle: bob.handle } },
          author: { handle: bob.handle },
          post: { likeCount: 0, commentCount: expect.any(Number) },
          commentCount: 1,
        },
      },
    });
  });

  it("delivers B's new post, published through one gateway, to A's home timeline subscription on the other", async () => {
    // The stack's feed runs the hybrid strategy with its fan-out in process, on this NATS and Redis.
    const [a, b] = await Promise.all([register('a6'), register('b6')]);
    await a.client.data(`mutation($id: ID!) { follow(userId: $id) { changed } }`, { id: b.id });
    // A reads the timeline once: the hybrid feed pushes only to readers it has seen recently.
    await eventually(async () => ((await a.client.data(TIMELINE)).homeTimeline.timelineStatus === 'READY' ? true : undefined));
    const gateway = gateways()[1]!;
    const before = gateway.live.stats().subjects;
    const w = collect(connect(second.url, a.token).client, TIMELINE_UPDATED);
    await eventually(async () => (gateway.live.stats().subjects > before ? true : undefined));

    // Through the first gateway (every account's client talks to it).
    const { createPost } = await b.client.data(`mutation { createPost(text: "fresh from B on NATS") { id } }`);
    await eventually(async () => (w.results.length ? true : undefined), 20_000);
    expect(w.errors).toEqual([]);
    expect(w.results).toEqual([
      { data: { homeTimelineUpdated: { post: { id: createPost.id, text: 'fresh from B on NATS', author: { handle: b.handle } } } } },
    ]);
  });

  it("delivers a followed VIP's post (not fanned out) to the home timeline subscription on the other gateway", async () => {
    const [a, v, x] = await Promise.all([register('a7'), register('v7'), register('x7')]);
    // V has two followers on Neo4j: a VIP, whose posts are announced on live.author.<V>.posted instead of pushed.
    await Promise.all([a, x].map((f) => f.client.data(`mutation($id: ID!) { follow(userId: $id) { changed } }`, { id: v.id })));
    await eventually(async () => ((await a.client.data(TIMELINE)).homeTimeline.timelineStatus === 'READY' ? true : undefined));
    const gateway = gateways()[1]!;
    const before = gateway.live.stats().subjects;
    const w = collect(connect(second.url, a.token).client, TIMELINE_UPDATED);
    // A's own subject, the followings-changed subject and V's: the gateway asked the social graph for A's VIPs.
    await eventually(async () => (gateway.live.stats().subjects >= before + 3 ? true : undefined), 20_000);

    const { createPost } = await v.client.data(`mutation { createPost(text: "a VIP on NATS") { id } }`);
    await eventually(async () => (w.results.length ? true : undefined), 20_000);
    expect(w.errors).toEqual([]);
    expect(w.results).toEqual([
      { data: { homeTimelineUpdated: { post: { id: createPost.id, text: 'a VIP on NATS', author: { handle: v.handle } } } } },
    ]);
  });

  it('gives each person only their own notifications', async () => {
    const [alice, bob, carol] = await Promise.all([register('alice3'), register('bob3'), register('carol3')]);
    const { createPost } = await alice.client.data(`mutation { createPost(text: "notify me") { id } }`);
    const mine = collect(connect(stack.gatewayUrl, alice.token).client, NOTIFIED);
    const others = collect(connect(second.url, carol.token).client, NOTIFIED);
    await subscribed(gateways(), 1);

    // Someone else's: there is no argument to ask for them, and signed out there is no "own".
    const anon = connect(second.url).client;
    const refused = [
      collect(anon, NOTIFIED),
      collect(connect(second.url, carol.token).client, `subscription($u: ID!) { notificationAdded(userId: $u) { groupId } }`, {
        u: alice.id,
      }),
    ];
    await eventually(async () => (refused.every((r) => r.errors.length) ? true : undefined));
    expect(refused.map((r) => r.errors[0]![0]!.extensions?.code)).toEqual(['UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']);

    await bob.client.data(`mutation($p: ID!) { likePost(postId: $p) { likeCount } }`, { p: createPost.id });
    await eventually(async () => (mine.results.length ? true : undefined), 20_000);
    expect(mine.results[0]!.data.notificationAdded).toEqual({ groupId: expect.any(String), unreadCount: 1 });
    expect(others.results).toEqual([]);
  });

  it('refuses invalid operations with the query limits and stable codes', async () => {
    const { client } = connect(stack.gatewayUrl);
    const deep = `subscription { postLiked(postId: "p1") { post { author { posts { edges { node { author { posts { edges { node { author { posts { edges { node { id } } } } } } } } } } } } } } }`;
    const cases = [
      collect(client, deep),
      collect(client, `subscription { postLiked(postId: "a.*") { likeCount } }`),
      collect(client, `{ me { id } }`),
    ];
    await eventually(async () => (cases.every((c) => c.errors.length) ? true : undefined));
    expect(cases.map((c) => c.errors[0]![0]!.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    const http = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `subscription { postLiked(postId: "p1") { likeCount } }` }),
    });
    expect(http.status).toBe(400);
  });

  it('closes a connection with 4401 when its token expires mid-subscription', async () => {
    const alice = await register('alice5');
    const { token } = await new AccessTokens(stack.secrets.accessToken).sign(alice.id, 1);
    const { client, closed } = connect(second.url, token);
    collect(client, LIKED, { p: 'abc' });
    expect(await closed).toMatchObject({ code: LiveCloseCode.Unauthorized, reason: 'Access token expired' });
  });

  it('disconnects a client that never reads (4008) and releases its subscription', async () => {
    // A producer on the same NATS (as the post subgraph publishes): count updates as fast as it can send them.
    const producer = await NatsLiveBus.connect({
      servers: realServers().natsUrl,
      subjectPrefix: `${isolation}.`,
      logger: createLogger('e2e', 'silent'),
    });
    const socket = new WebSocket(wsUrl(second.url), 'graphql-transport-ws');
    await new Promise((r) => socket.once('open', r));
    const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((r) => socket.once('message', r));
    const gateway = gateways()[1]!;
    const before = gateway.live.stats().subjects;
    const query = `subscription { postUpdated(postId: "slowpost") { likeCount commentCount viewCount } }`;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    await eventually(async () => (gateway.live.stats().subjects > before ? true : undefined));
    (socket as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading, as a stuck client would

    // The gateway gives up on the client (its close frame waits behind the unread data, so watch the gateway).
    for (let i = 0; gateway.live.stats().subjects > before && i < 2_000_000; i++) {
      await producer.publishLive(liveSubjects.postUpdated('slowpost'), { postId: 'slowpost', likeCount: i, commentCount: i, viewCount: i });
      if (i % 1_000 === 999) await producer.flush();
    }
    (socket as unknown as { _socket: { resume(): void } })._socket.resume(); // reads what was sent, then the close frame
    expect(await closed).toBe(LiveCloseCode.SlowConsumer);
    await producer.close();
  });
});
