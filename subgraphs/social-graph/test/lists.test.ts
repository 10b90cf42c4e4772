import { encodeCursor, newId } from '@social/kit';
import { errorCode } from '../src/testing/http';
import { ENTITIES, FOLLOW, reps, startHarness, type Harness } from './harness';

const FOLLOWERS = `query($reps: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $reps) { ... on User {
    followers(first: $first, after: $after) { edges { cursor followedAt node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
  } }
}`;
const FOLLOWING = FOLLOWERS.replace('followers(', 'following(');

interface Page {
  edges: { cursor: string; followedAt: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('follower and following lists, counts and relations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  async function follow(followerId: string, followeeId: string) {
    const res = await h.gql(FOLLOW, { userId: followeeId }, { viewerId: followerId });
    expect(res.errors).toBeUndefined();
  }

  async function page(query: string, userId: string, first?: number, after?: string | null) {
    const res = await h.gql<{ _entities: Record<string, Page>[] }>(query, { reps: reps([userId]), first, after });
    return res;
  }

  async function readAll(query: string, userId: string, first: number, between?: () => Promise<void>) {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res = await page(query, userId, first, after);
      expect(res.errors).toBeUndefined();
      const conn = Object.values(res.data!._entities[0]!)[0]!;
      ids.push(...conn.edges.map((e) => e.node.id));
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) return ids;
      after = conn.pageInfo.endCursor;
      await between?.();
    }
    throw new Error('too many pages');
  }

  it('pages through followers newest first with cursors: no skip, no repeat, even as new follows arrive', async () => {
    const [star] = h.people(1) as [string];
    const fans = h.people(11);
    for (const fan of fans) await follow(fan, star);
    const late: string[] = [];
    const seen = await readAll(FOLLOWERS, star, 3, async () => {
      const [fan] = h.people(1) as [string];
      late.push(fan);
      await follow(fan, star);
    });
    expect(seen).toEqual([...fans].reverse());
    // The late arrivals are at the top of a fresh first page.
    const fresh = await readAll(FOLLOWERS, star, 100);
    expect(fresh).toEqual([...fans, ...late].reverse());
  });

  it('edges carry the follow time and the cursor of their position', async () => {
    const [star, fan] = h.people(2) as [string, string];
    const before = Date.now();
    await follow(fan, star);
    const res = await page(FOLLOWERS, star, 5);
    const conn = res.data!._entities[0]!['followers']!;
    expect(conn.edges).toHaveLength(1);
    const at = Date.parse(conn.edges[0]!.followedAt);
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(conn.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: conn.edges[0]!.cursor,
      endCursor: conn.edges[0]!.cursor,
    });
    // Continuing after the last edge gives an empty page.
    const rest = await page(FOLLOWERS, star, 5, conn.pageInfo.endCursor);
    expect(rest.data!._entities[0]!['followers']).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('pages through following the same way; someone with no follows has empty lists', async () => {
    const [fan] = h.people(1) as [string];
    const stars = h.people(5);
    for (const star of stars) await follow(fan, star);
    expect(await readAll(FOLLOWING, fan, 2)).toEqual([...stars].reverse());
    expect(await readAll(FOLLOWING, newId(), 2)).toEqual([]);
  });

  it.each([0, 101, -1])('a page size of %s is BAD_USER_INPUT', async (first) => {
    for (const query of [FOLLOWERS, FOLLOWING]) {
      const res = await page(query, newId(), first);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.['field']).toBe('first');
    }
  });

  it('pages of 1 and 100 are allowed', async () => {
    expect((await page(FOLLOWERS, newId(), 1)).errors).toBeUndefined();
    expect((await page(FOLLOWERS, newId(), 100)).errors).toBeUndefined();
  });

  it.each([
    ['not base64 json', '%%%'],
    ['json of the wrong shape', encodeCursor({ postId: 'x' })],
    ['a bad id inside', encodeCursor({ t: 1, id: 'nope' })],
    ['a negative time', encodeCursor({ t: -5, id: newId() })],
  ])('a malformed cursor (%s) is BAD_USER_INPUT on "after"', async (_name, after) => {
    const res = await page(FOLLOWERS, newId(), 5, after);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.['field']).toBe('after');
  });

  it("counts, isFollowing and followsViewer from the viewer's side", async () => {
    const [me, friend, fan, stranger] = h.people(4) as [string, string, string, string];
    await follow(me, friend);
    await follow(friend, me);
    await follow(fan, me);
    const res = await h.gql(ENTITIES, { reps: reps([me, friend, fan, stranger]) }, { viewerId: me });
    expect(res.data?.['_entities']).toEqual([
      { id: me, followerCount: 2, followingCount: 1, isFollowing: false, followsViewer: false },
      { id: friend, followerCount: 1, followingCount: 1, isFollowing: true, followsViewer: true },
      { id: fan, followerCount: 0, followingCount: 1, isFollowing: false, followsViewer: true },
      { id: stranger, followerCount: 0, followingCount: 0, isFollowing: false, followsViewer: false },
    ]);
    const signedOut = await h.gql(ENTITIES, { reps: reps([friend]) }, { viewerId: null });
    expect(signedOut.data?.['_entities']).toEqual([
      { id: friend, followerCount: 1, followingCount: 1, isFollowing: false, followsViewer: false },
    ]);
  });

  it('batches: 20 users cost one stats call (for the cache misses) and one isFollowing call, not 20 each', async () => {
    const [me] = h.people(1) as [string];
    const others = h.people(20);
    for (const other of others.slice(0, 5)) await follow(me, other);
    const counts = h.calls['stats'] ?? 0;
    const relations = h.calls['isFollowing'] ?? 0;
    const res = await h.gql(ENTITIES, { reps: reps(others) }, { viewerId: me });
    expect(res.errors).toBeUndefined();
    const users = res.data!['_entities'] as { followerCount: number; isFollowing: boolean }[];
    expect(users.map((u) => u.followerCount)).toEqual(others.map((_, i) => (i < 5 ? 1 : 0)));
    expect(users.map((u) => u.isFollowing)).toEqual(others.map((_, i) => i < 5));
    expect((h.calls['stats'] ?? 0) - counts).toBe(1);
    expect((h.calls['isFollowing'] ?? 0) - relations).toBe(1);
  });

  it('batches the users of a follower page too', async () => {
    const [star] = h.people(1) as [string];
    const fans = h.people(20);
    for (const fan of fans) await follow(fan, star);
    const counts = h.calls['stats'] ?? 0;
    const res = await h.gql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { followers(first: 20) { edges { node { id followerCount followingCount isFollowing } } } } } }`,
      { reps: reps([star]) },
      { viewerId: star },
    );
    expect(res.errors).toBeUndefined();
    // The follows above cached every fan's counts; whatever is not cached is read in one batch.
    expect((h.calls['stats'] ?? 0) - counts).toBeLessThanOrEqual(1);
  });
});

describe('_followingIds (internal, for the pull feed)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  const QUERY = `query($userId: ID!, $first: Int) { _followingIds(userId: $userId, first: $first) }`;

  it('lists followees newest first, capped by first', async () => {
    const [me] = h.people(1) as [string];
    const stars = h.people(4);
    for (const star of stars) await h.gql(FOLLOW, { userId: star }, { viewerId: me });
    const all = await h.gql(QUERY, { userId: me }, { header: undefined });
    expect(all.data?.['_followingIds']).toEqual([...stars].reverse());
    const two = await h.gql(QUERY, { userId: me, first: 2 });
    expect(two.data?.['_followingIds']).toEqual([stars[3], stars[2]]);
    expect((await h.gql(QUERY, { userId: newId(), first: 5000 })).data?.['_followingIds']).toEqual([]);
  });

  it('rejects a malformed id and a first outside 1..5000', async () => {
    expect(errorCode(await h.gql(QUERY, { userId: 'nope' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.gql(QUERY, { userId: newId(), first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.gql(QUERY, { userId: newId(), first: 5001 }))).toBe('BAD_USER_INPUT');
  });
});
