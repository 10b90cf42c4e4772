import type { FieldNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AccessTokens, createMetricsRegistry, type Registry } from '@social/kit';
import { liveSubjects, type MemoryLiveBus } from '@social/events';
import { eventually } from '@social/test-kit';
import { LiveCloseCode } from '../src/subscriptions';
import type { LiveLimits, LiveServer } from '../src/subscriptions/live-server';
import type { LiveQueryExecutor } from '../src/subscriptions/live-hub';
import { renderSubject } from '../src/subscriptions/subject';
import { loadApiSchema, startTestLiveServer, type TestLiveServer } from './live-test-server';

const SECRET = 'b'.repeat(40);
const LIKED = `subscription($p: ID!) { postLiked(postId: $p) { likeCount who: likedBy { handle } post { id likeCount } } }`;

/** Answers event queries like the supergraph would, from a table of posts; records every call. */
class FakeSupergraph {
  calls: { aliases: string[]; viewerId: string | null }[] = [];
  deleted = new Set<string>();
  bigText = '';
  failing = false;
  execute: LiveQueryExecutor = async (query, variables, viewerId) => {
    if (this.failing) {
      const alias = ((query.document.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode).alias!.value;
      return {
        data: { [alias]: null },
        errors: [{ message: 'post subgraph unavailable', path: [alias], extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      };
    }
    const op = query.document.definitions[0] as OperationDefinitionNode;
    const fields = op.selectionSet.selections as FieldNode[];
    this.calls.push({ aliases: fields.map((f) => f.alias!.value), viewerId });
    const data: Record<string, unknown> = {};
    for (const f of fields) {
      const id = variables[f.alias!.value] as string;
      data[f.alias!.value] =
        f.name.value === 'post'
          ? this.deleted.has(id)
            ? null
            : { id, likeCount: 41, ...(this.bigText ? { text: this.bigText } : {}) }
          : { handle: `h_${id}` };
    }
    return { data };
  };
}

describe('live subscriptions (graphql-ws at the gateway)', () => {
  let schema: GraphQLSchema;
  let stopSchema: () => Promise<void>;
  let server: TestLiveServer | undefined;
  let url: string;
  let bus: MemoryLiveBus;
  let fake: FakeSupergraph;
  let live: LiveServer;
  let registry: Registry;
  const tokens = new AccessTokens(SECRET);
  const clients: Client[] = [];

  beforeAll(async () => {
    ({ schema, stop: stopSchema } = await loadApiSchema());
  });
  afterAll(() => stopSchema());

  async function start(limits: Partial<LiveLimits> = {}) {
    fake = new FakeSupergraph();
    registry = createMetricsRegistry('gateway');
    server = await startTestLiveServer(schema, { execute: fake.execute, tokens, limits, metrics: registry });
    ({ url, live, bus } = server);
  }
  /** live_disconnects_total for one reason, from this server's registry. */
  const disconnects = async (reason: string) =>
    (await registry.getSingleMetric('live_disconnects_total')!.get()).values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server?.close();
    server = undefined;
  });

  function connect(authorization?: string): { client: Client; closed: Promise<{ code: number; reason: string }> } {
    let onClosed!: (e: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: authorization ? { authorization } : {},
      on: { closed: (e) => onClosed(e as { code: number; reason: string }) },
    });
    clients.push(client);
    return { client, closed };
  }

  function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const stop = client.subscribe(
      { query, variables },
      { next: (r) => void results.push(r), error: (e) => void errors.push(e), complete: () => {} },
    );
    return { results, errors, stop };
  }

  const bearer = async (userId: string, ttlSeconds?: number) => `Bearer ${(await tokens.sign(userId, ttlSeconds)).token}`;

  it('resolves each event once for subscribers of the same operation and delivers it to all of them, over one bus subscription', async () => {
    await start();
    const subs = [0, 1, 2].map(() => collect(connect().client, LIKED, { p: 'p1' }));
    await eventually(async () => (live.stats().connections === 3 && live.stats().groups === 1 ? true : undefined));
    expect(live.stats().subjects).toBe(1);

    await bus.publishLive(liveSubjects.postLiked('p1'), { postId: 'p1', userId: 'u7', likeCount: 42 });
    await eventually(async () => (subs.every((s) => s.results.length === 1) ? true : undefined));

    for (const s of subs)
      expect(s.results[0]).toEqual({ data: { postLiked: { likeCount: 42, who: { handle: 'h_u7' }, post: { id: 'p1', likeCount: 41 } } } });
    expect(fake.calls).toHaveLength(1);
  });

  it('resolves events that arrive together in one query, and drops the subject when the last subscriber leaves', async () => {
    await start();
    const sub = collect(connect().client, LIKED, { p: 'p2' });
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));

    for (let i = 1; i <= 3; i++) void bus.publishLive(liveSubjects.postLiked('p2'), { postId: 'p2', userId: `u${i}`, likeCount: i });
    await eventually(async () => (sub.results.length === 3 ? true : undefined));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.aliases).toHaveLength(6); // post and likedBy for each of the three events
    expect(sub.results.map((r) => (r as { data: { postLiked: { likeCount: number } } }).data.postLiked.likeCount)).toEqual([1, 2, 3]);

    sub.stop();
    await eventually(async () => (live.stats().subjects === 0 && live.stats().groups === 0 ? true : undefined));
  });

  it('resolves per viewer, and does not deliver events about a post the viewer cannot see (deleted)', async () => {
    await start();
    const { client } = connect(await bearer('viewer1'));
    const sub = collect(client, LIKED, { p: 'p3' });
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));
    fake.deleted.add('p3');
    await bus.publishLive(liveSubjects.postLiked('p3'), { postId: 'p3', userId: 'u1', likeCount: 1 });
    await eventually(async () => (fake.calls.length === 1 ? true : undefined));
    fake.deleted.delete('p3');
    await bus.publishLive(liveSubjects.postLiked('p3'), { postId: 'p3', userId: 'u2', likeCount: 2 });
    await eventually(async () => (sub.results.length === 1 ? true : undefined));

    expect(fake.calls.map((c) => c.viewerId)).toEqual(['viewer1', 'viewer1']);
    expect(sub.results).toEqual([{ data: { postLiked: { likeCount: 2, who: { handle: 'h_u2' }, post: { id: 'p3', likeCount: 41 } } } }]);
  });

  it('reports a failed resolution to the subscriber as a query would (null payload with the error), rather than dropping it', async () => {
    await start();
    const sub = collect(connect().client, `subscription { postLiked(postId: "p9") { post { id } } }`);
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));
    fake.failing = true;
    await bus.publishLive(liveSubjects.postLiked('p9'), { postId: 'p9', userId: 'u1', likeCount: 1 });
    await eventually(async () => (sub.results.length === 1 ? true : undefined));
    expect(sub.results[0]).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: 'post subgraph unavailable',
          path: ['postLiked', 'post'],
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        }),
      ],
    });
  });

  it('copies payload-only selections from the event without querying the supergraph', async () => {
    await start();
    const sub = collect(connect().client, `subscription { postUpdated(postId: "p4") { __typename likeCount commentCount } }`);
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));
    await bus.publishLive(liveSubjects.postUpdated('p4'), { postId: 'p4', likeCount: 5, commentCount: 6, viewCount: 7 });
    await eventually(async () => (sub.results.length === 1 ? true : undefined));
    expect(sub.results[0]).toEqual({ data: { postUpdated: { __typename: 'PostUpdatedEvent', likeCount: 5, commentCount: 6 } } });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses invalid operations with a stable code, before subscribing to anything', async () => {
    await start();
    const { client } = connect();
    const cases = [
      [`subscription { postLiked(postId: "p5") { nope } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`subscription { postLiked(postId: "p5.>") { likeCount } }`, 'BAD_USER_INPUT'],
      [`subscription { postLiked(postId: "*") { likeCount } }`, 'BAD_USER_INPUT'],
      [`subscription($p: ID!) { postLiked(postId: $p) { likeCount } }`, 'BAD_USER_INPUT'], // variable missing
      [`query { post(id: "p5") { id } }`, 'BAD_USER_INPUT'],
      [`subscription { postLiked(postId: "p5") { likeCount } postUpdated(postId: "p5") { likeCount } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`subscription {`, 'GRAPHQL_PARSE_FAILED'],
    ] as const;
    for (const [query, code] of cases) {
      const { errors } = collect(client, query);
      await eventually(async () => (errors.length ? true : undefined));
      expect([query, (errors[0] as { extensions?: { code?: string } }[])[0]?.extensions?.code]).toEqual([query, code]);
    }
    expect(live.stats().subjects).toBe(0);
  });

  it('closes with 4401 for an invalid token, and when the token expires mid-subscription', async () => {
    await start();
    const refused = connect('Bearer not-a-token');
    expect((await refused.closed).code).toBe(LiveCloseCode.Unauthorized);

    // exp is in whole seconds, so a 1-second token can have 0-1 s left when signed: 2 leaves at least one
    // second to subscribe before it expires (a loaded CI machine once took longer than what was left).
    const expiring = connect(await bearer('viewer2', 2));
    const sub = collect(expiring.client, LIKED, { p: 'p6' });
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));
    const closed = await expiring.closed;
    expect(closed).toMatchObject({ code: LiveCloseCode.Unauthorized, reason: 'Access token expired' });
    expect(sub.errors).toHaveLength(0);
    await eventually(async () => (live.stats().subjects === 0 && live.stats().connections === 0 ? true : undefined));
    expect([await disconnects('invalid_token'), await disconnects('token_expired')]).toEqual([1, 1]);
  });

  it('limits connections per user (4029)', async () => {
    await start({ maxConnectionsPerUser: 1 });
    const token = await bearer('viewer3');
    const first = connect(token);
    await eventually(async () => (live.stats().connections === 1 ? true : undefined));
    const second = connect(token);
    expect((await second.closed).code).toBe(LiveCloseCode.TooManyConnections);
    expect(await disconnects('too_many_connections')).toBe(1);
    await first.client.dispose();
    await eventually(async () => (live.stats().connections === 0 ? true : undefined));
    const third = connect(token);
    collect(third.client, LIKED, { p: 'p7' });
    await eventually(async () => (live.stats().connections === 1 ? true : undefined));
  });

  it('disconnects a client that never reads (4008) instead of queueing without bound', async () => {
    await start({ maxQueuedEvents: 5 });
    fake.bigText = 'x'.repeat(64 * 1024); // fills the socket buffers in a few hundred events
    const socket = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((r) => socket.once('open', r));
    const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((r) => socket.once('message', r)); // connection_ack
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { postLiked(postId: "p8") { post { text } } }` } }),
    );
    await eventually(async () => (live.stats().subjects === 1 ? true : undefined));
    (socket as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading, as a stuck client would

    let outcome: number | undefined;
    void closed.then((code) => (outcome = code));
    for (let i = 0; i < 5_000 && outcome === undefined; i++) {
      await bus.publishLive(liveSubjects.postLiked('p8'), { postId: 'p8', userId: 'u', likeCount: i });
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    (socket as unknown as { _socket: { resume(): void } })._socket.resume(); // to read the close frame
    expect(await closed).toBe(LiveCloseCode.SlowConsumer);
    expect(await disconnects('slow_consumer')).toBe(1);
    await eventually(async () => (live.stats().subjects === 0 ? true : undefined));
  });
});

describe('renderSubject', () => {
  it('fills arguments and the viewer, and refuses anything that could change the subject', () => {
    expect(renderSubject('live.post.{args.postId}.liked', { postId: 'abc_1-2' }, null)).toBe('live.post.abc_1-2.liked');
    expect(renderSubject('live.user.{viewer.id}.notification', {}, 'u1')).toBe('live.user.u1.notification');
    expect(() => renderSubject('live.user.{viewer.id}.notification', {}, null)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    );
    for (const bad of ['a.b', '*', '>', '', 'x'.repeat(65)])
      expect(() => renderSubject('live.post.{args.postId}.liked', { postId: bad }, null)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
  });
});
