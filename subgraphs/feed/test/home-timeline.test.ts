import { encodeCursor, newId, type RunningService } from '@social/kit';
import { parseFeedConfig, startFeedService } from '../src/server';
import { MemoryFollowingSource } from '../src/sources/memory-following-source';
import { MemoryPostSource } from '../src/sources/memory-post-source';
import { gatewayHeader, gql } from '../src/testing/http';

// The pull strategy over memory sources; the hybrid strategy has its own suite (hybrid-home-timeline.test.ts).
const config = parseFeedConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', TIMELINE_STRATEGY: 'pull' });
const SECRET = config.INTERNAL_AUTH_SECRET;

const HOME = /* GraphQL */ `
  query Home($first: Int, $after: String) {
    homeTimeline(first: $first, after: $after) {
      edges {
        cursor
        node {
          __typename
          id
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

const viewer = newId();
const alice = newId();
const bob = newId();

describe('feed service over HTTP (memory sources)', () => {
  let service: RunningService;
  const following = new MemoryFollowingSource().follow(viewer, alice, bob);
  const posts = new MemoryPostSource();
  const ids = [alice, viewer, bob, newId(), alice].map((author) => {
    const id = newId();
    posts.add(author, id);
    return id;
  });
  const visible = [ids[4], ids[2], ids[1], ids[0]];

  beforeAll(async () => {
    service = await startFeedService(config, { following, posts });
  });
  afterAll(async () => {
    await service?.stop();
  });

  const asViewer = async (variables: Record<string, unknown> = {}) =>
    gql(service.url, HOME, variables, await gatewayHeader(SECRET, viewer));

  it('returns Post references newest first, with opaque cursors and pageInfo', async () => {
    const res = await asViewer({ first: 3 });
    expect(res.errors).toBeUndefined();
    const { edges, pageInfo } = res.data!['homeTimeline'];
    expect(edges.map((e: { node: unknown }) => e.node)).toEqual(visible.slice(0, 3).map((id) => ({ __typename: 'Post', id })));
    expect(pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: edges[0].cursor, endCursor: edges[2].cursor });
  });

  it('continues after endCursor without skipping or repeating', async () => {
    const page1 = (await asViewer({ first: 2 })).data!['homeTimeline'];
    const page2 = (await asViewer({ first: 2, after: page1.pageInfo.endCursor })).data!['homeTimeline'];
    const all = [...page1.edges, ...page2.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(all).toEqual(visible);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('uses a page of 20 when `first` is not given', async () => {
    const res = await asViewer();
    expect(res.data!['homeTimeline'].edges).toHaveLength(4);
    expect(posts.queries.at(-1)!.limit).toBe(21);
  });

  it('refuses a signed-out viewer with UNAUTHENTICATED', async () => {
    const res = await gql(service.url, HOME, {}, await gatewayHeader(SECRET, null));
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });

  it.each([0, 101, -1])('refuses first: %d with BAD_USER_INPUT', async (first) => {
    const res = await asViewer({ first });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('accepts first: 100', async () => {
    const res = await asViewer({ first: 100 });
    expect(res.errors).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor!!'],
    ['JSON without an id', encodeCursor({ offset: 20 })],
    ['an id that is not 24-hex', encodeCursor({ id: 'abc' })],
    ['an upper-case id', encodeCursor({ id: newId().toUpperCase() })],
    ['empty', ''],
  ])('refuses a cursor that is %s with BAD_USER_INPUT', async (_what, after) => {
    const res = await asViewer({ after });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  describe('internal signature', () => {
    const forged = () => gatewayHeader(`${SECRET}-but-not-the-same-one`, viewer);
    const operations: [string, string, Record<string, unknown>][] = [
      ['homeTimeline', HOME, {}],
      ['_entities', 'query($r:[_Any!]!){ _entities(representations:$r){ __typename } }', { r: [{ __typename: 'Post', id: newId() }] }],
      ['_service', '{ _service { sdl } }', {}],
    ];

    it.each(operations)('refuses %s without the header (UNAUTHENTICATED)', async (_name, query, variables) => {
      const res = await gql(service.url, query, variables);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    });

    it.each(operations)('refuses %s with a forged header (UNAUTHENTICATED)', async (_name, query, variables) => {
      const res = await gql(service.url, query, variables, await forged());
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    });

    it('answers _service for a signed caller (the refusal above is the signature, nothing else)', async () => {
      const res = await gql(service.url, '{ _service { sdl } }', {}, await gatewayHeader(SECRET, null));
      expect(res.data!['_service'].sdl).toContain('homeTimeline');
    });
  });
});
