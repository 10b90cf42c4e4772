import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '@social/test-kit';
import { GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

/**
 * Issue 7, homeTimelineUpdated, on the embedded stack with the hybrid feed: A follows B and watches
 * their home timeline live; B posts; the feed's fan-out pushes the post into A's timeline and
 * publishes live.timeline.<A>.updated, which the gateway resolves into the post with its author.
 */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const TIMELINE = `{ homeTimeline(first: 5) { timelineStatus edges { node { id } } } }`;
const UPDATED = `subscription { homeTimelineUpdated { post { id text author { handle } } } }`;

type Account = { id: string; handle: string; token: string; client: GraphQLClient };
type Update = { homeTimelineUpdated: { post: { id: string; text: string; author: { handle: string } } } };

describe('Subscription.homeTimelineUpdated through the embedded stack', () => {
  let stack: Stack;
  const suffix = randomBytes(3).toString('hex');
  const clients: Client[] = [];

  beforeAll(async () => {
    stack = await startStack({
      logLevel: 'silent',
      feedEnv: { TIMELINE_STRATEGY: 'hybrid' },
      // Two followers make a VIP here, so one test can watch a VIP's posts arrive without fan-out.
      socialGraphEnv: { VIP_THRESHOLD: '2' },
      postEnv: { OUTBOX_RELAY_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await stack?.stop();
  });

  const register = async (name: string): Promise<Account> => {
    const anon = new GraphQLClient(stack.gatewayUrl);
    const { register } = await anon.data(REGISTER, {
      input: { handle: `${name}_${suffix}`, email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
    });
    return {
      id: register.user.id,
      handle: register.user.handle,
      token: register.accessToken,
      client: anon.withToken(register.accessToken),
    };
  };

  const follow = (who: Account, whom: Account) =>
    who.client.data(`mutation($id: ID!) { follow(userId: $id) { changed } }`, { id: whom.id });
  const post = async (who: Account, text: string) =>
    (await who.client.data<{ createPost: { id: string } }>(`mutation($t: String!) { createPost(text: $t) { id } }`, { t: text })).createPost
      .id;
  const gatewayStats = () => (stack.services.gateway as unknown as { live: { stats(): { subjects: number } } }).live.stats();
  /** The hybrid feed pushes only to readers it has seen recently: read once. */
  const readOnce = (who: Account) =>
    eventually(async () =>
      (await who.client.data<{ homeTimeline: { timelineStatus: string } }>(TIMELINE)).homeTimeline.timelineStatus === 'READY'
        ? true
        : undefined,
    );
  const watch = (who: Account) => {
    const client = createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${who.token}` },
    });
    clients.push(client);
    const received: { data?: Update; errors?: unknown }[] = [];
    client.subscribe({ query: UPDATED }, { next: (r) => void received.push(r as never), error: () => {}, complete: () => {} });
    return received;
  };

  it("delivers B's new post to A, who follows B, resolved with its text and author", async () => {
    const [a, b] = await Promise.all([register('a'), register('b')]);
    await follow(a, b);
    await readOnce(a);
    const before = gatewayStats().subjects;
    const received = watch(a);
    await eventually(async () => (gatewayStats().subjects >= before + 2 ? true : undefined));

    const postId = await post(b, 'fresh from B');
    await eventually(async () => (received.length >= 1 ? true : undefined));

    expect(received[0]).toEqual({
      data: { homeTimelineUpdated: { post: { id: postId, text: 'fresh from B', author: { handle: b.handle } } } },
    });
  });

  it('delivers the posts of a VIP the viewer follows, including one followed while the subscription is open', async () => {
    const [a, v, w, x, y] = await Promise.all([register('va'), register('vv'), register('vw'), register('vx'), register('vy')]);
    // V and W become VIPs (two followers each); A follows V before subscribing and W while subscribed.
    await Promise.all([follow(x, v), follow(y, w), follow(a, v)]);
    await follow(x, w);
    await readOnce(a);
    const pushedToA: unknown[] = [];
    const announced: unknown[] = [];
    stack.live!.subscribeLive(`live.timeline.${a.id}.updated`, (e) => void pushedToA.push(e));
    stack.live!.subscribeLive('live.author.*.posted', (e) => void announced.push(e));
    const before = gatewayStats().subjects;
    const received = watch(a);
    // A's own timeline subject, the followings-changed subject, and V's authorPosted subject.
    await eventually(async () => (gatewayStats().subjects >= before + 3 ? true : undefined));

    const fromV = await post(v, 'V speaks');
    await eventually(async () => (received.length >= 1 ? true : undefined));
    expect(received[0]).toEqual({ data: { homeTimelineUpdated: { post: { id: fromV, text: 'V speaks', author: { handle: v.handle } } } } });

    await follow(a, w); // the feed says A's followings changed; the gateway adds W's subject
    await eventually(async () => (gatewayStats().subjects >= before + 4 ? true : undefined));
    const fromW = await post(w, 'W speaks');
    await eventually(async () => (received.length >= 2 ? true : undefined));
    expect(received[1]).toEqual({ data: { homeTimelineUpdated: { post: { id: fromW, text: 'W speaks', author: { handle: w.handle } } } } });
    // Neither came through fan-out: both were announced on their author's subject, and both are in A's timeline
    // because it is read with the VIPs' recent posts merged in.
    expect(pushedToA).toEqual([]);
    expect(announced).toEqual([
      { authorId: v.id, postId: fromV },
      { authorId: w.id, postId: fromW },
    ]);
    const { homeTimeline } = await a.client.data<{ homeTimeline: { edges: { node: { id: string } }[] } }>(TIMELINE);
    expect(homeTimeline.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([fromV, fromW]));
  });
});
