import http from 'node:http';
import { InternalGraphQLClient, InternalSigner, newId, serviceUnavailable } from '@social/kit';
import type { EventEnvelope } from '@social/events';
import { eventually } from '@social/test-kit';
import { GraphQLUserDirectory } from '../src/mentions/user-directory';
import { COMMENT, COUNTS, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function collect(subjects: ('user.mentioned' | 'post.created' | 'comment.added')[]) {
  const received: EventEnvelope[] = [];
  await h.bus.consume({ durable: `mentions_${newId()}`, subjects, handler: async (e) => void received.push(e) });
  return received;
}

describe('@mentions', () => {
  it('stores the existing people a post mentions and emits one user.mentioned each, never for the author', async () => {
    const [alice, bob, author] = [newId(), newId(), newId()];
    h.users.add('Alice', alice);
    h.users.add('bob', bob);
    h.users.add('me_myself', author);
    const received = await collect(['user.mentioned']);

    const text = 'hey @BOB and @alice, @nobody_here, mail x@alice.com, @me_myself, @bob again';
    const post = (await h.gql(`mutation($t: String!) { createPost(text: $t) { id mentions { id } } }`, { t: text }, author)).data
      .createPost;
    expect(post.mentions).toEqual([{ id: bob }, { id: alice }]);
    expect((await h.gql(COUNTS, { id: post.id })).data.post.mentions).toEqual([{ id: bob }, { id: alice }]);

    await eventually(async () => (received.length === 2 ? true : undefined));
    expect(received.map((e) => e.data)).toEqual([
      { mentionedUserId: bob, byUserId: author, postId: post.id, commentId: null },
      { mentionedUserId: alice, byUserId: author, postId: post.id, commentId: null },
    ]);
  });

  it('stores comment mentions and emits user.mentioned with the comment id', async () => {
    const [carol, author, commenter] = [newId(), newId(), newId()];
    h.users.add('carol', carol);
    h.users.add('commenter', commenter);
    const [post] = await createPosts(h, author, 1);
    const received = await collect(['user.mentioned']);
    const c = (await h.gql(COMMENT, { p: post, t: '@carol look (and @commenter)' }, commenter)).data.addComment;
    expect(c.mentions).toEqual([{ id: carol }]);
    await eventually(async () => (received.length === 1 ? true : undefined));
    expect(received[0]!.data).toEqual({ mentionedUserId: carol, byUserId: commenter, postId: post, commentId: c.id });
  });

  it('never asks the user service for a text without an @', async () => {
    const ask = jest.spyOn(h.users, 'idsByHandle');
    await createPosts(h, newId(), 1);
    expect(ask).not.toHaveBeenCalled();
  });

  it('refuses the post with SERVICE_UNAVAILABLE when mentions cannot be resolved, and writes nothing', async () => {
    jest.spyOn(h.users, 'idsByHandle').mockRejectedValue(serviceUnavailable('The user service is not answering.'));
    const create = jest.spyOn(h.store, 'create');
    const r = await h.gql(`mutation { createPost(text: "hi @someone") { id } }`, {}, newId());
    expect(codes(r)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(create).not.toHaveBeenCalled();
  });
});

describe('GraphQLUserDirectory', () => {
  let server: http.Server;
  let url: string;
  let bodies: { query: string; variables: Record<string, string> }[];
  const known: Record<string, { id: string; handle: string }> = { alice: { id: newId(), handle: 'Alice' } };

  beforeAll(async () => {
    bodies = [];
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { query: string; variables: Record<string, string> };
        bodies.push(body);
        const data = Object.fromEntries(Object.entries(body.variables).map(([k, v]) => [k, known[v.toLowerCase()] ?? null]));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const directory = (u = url) =>
    new GraphQLUserDirectory(new InternalGraphQLClient(u, new InternalSigner('x'.repeat(40), 'post'), 'user', 1_000));

  it('resolves every handle in ONE aliased userByHandle request', async () => {
    const found = await directory().idsByHandle(['alice', 'ghost']);
    expect(found).toEqual(new Map([['alice', known['alice']!.id]]));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.query).toContain('h0: userByHandle(handle: $h0)');
    expect(bodies[0]!.query).toContain('h1: userByHandle(handle: $h1)');
    expect(await directory().idsByHandle([])).toEqual(new Map());
    expect(bodies).toHaveLength(1);
  });

  it('raises SERVICE_UNAVAILABLE when the user service does not answer', async () => {
    await expect(directory('http://127.0.0.1:1/graphql').idsByHandle(['alice'])).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });
});
