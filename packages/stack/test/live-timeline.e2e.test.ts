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

  it("delivers B's new post to A, who follows B, resolved with its text and author", async () => {
    const [a, b] = await Promise.all([register('a'), register('b')]);
    await a.client.data(`mutation($id: ID!) { follow(userId: $id) { changed } }`, { id: b.id });
    // A reads the timeline once: the hybrid feed pushes only to readers it has seen recently.
    await eventually(async () =>
      (await a.client.data<{ homeTimeline: { timelineStatus: string } }>(TIMELINE)).homeTimeline.timelineStatus === 'READY'
        ? true
        : undefined,
    );

    const client = createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${a.token}` },
    });
    clients.push(client);
    const received: { data?: Update; errors?: unknown }[] = [];
    client.subscribe({ query: UPDATED }, { next: (r) => void received.push(r as never), error: () => {}, complete: () => {} });
    const gateway = stack.services.gateway as unknown as { live: { stats(): { subjects: number } } };
    await eventually(async () => (gateway.live.stats().subjects >= 1 ? true : undefined));

    const { createPost } = await b.client.data<{ createPost: { id: string } }>(`mutation { createPost(text: "fresh from B") { id } }`);
    await eventually(async () => (received.length >= 1 ? true : undefined));

    expect(received[0]).toEqual({
      data: { homeTimelineUpdated: { post: { id: createPost.id, text: 'fresh from B', author: { handle: b.handle } } } },
    });
  });
});
