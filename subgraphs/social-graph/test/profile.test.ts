import { encodeCursor, newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import { LARGE_ACCOUNT_FOLLOWERS } from '../src/services/relationships';
import { errorCode } from '../src/testing/http';
import { FOLLOW, UNFOLLOW, reps, startHarness, type Harness } from './harness';

const MUTUALS = `query($r: [_Any!]!, $other: ID!, $first: Int, $after: String) { _entities(representations: $r) { ... on User {
  mutualFollows(other: $other, first: $first, after: $after) { edges { cursor followedAt node { id } } pageInfo { hasNextPage endCursor } }
} } }`;
const FOLLOWED_BY = `query($r: [_Any!]!, $n: Int) { _entities(representations: $r) { ... on User {
  followedByPeopleYouFollow { totalCount sample(first: $n) { id } }
} } }`;
const VIP = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { isVip followerCount } } }`;

describe('profile relationship fields', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { VIP_THRESHOLD: '3' } });
  });
  afterAll(() => h.stop());

  const follow = async (a: string, b: string) => expect((await h.gql(FOLLOW, { userId: b }, { viewerId: a })).errors).toBeUndefined();
  const entity = (res: { data?: Record<string, any> | null }) => res.data?.['_entities'][0];

  it('mutualFollows pages the accounts both follow; other = self is their following; a bad id is BAD_USER_INPUT', async () => {
    const [a, b, ...shared] = h.people(6) as string[];
    for (const s of shared) await follow(a!, s);
    for (const s of shared.slice(1)) await follow(b!, s);
    const first = await h.gql(MUTUALS, { r: reps([a!]), other: b, first: 2 });
    const page1 = entity(first).mutualFollows;
    expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([shared[3], shared[2]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = entity(await h.gql(MUTUALS, { r: reps([a!]), other: b, first: 2, after: page1.pageInfo.endCursor })).mutualFollows;
    expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([shared[1]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const self = entity(await h.gql(MUTUALS, { r: reps([a!]), other: a, first: 10 })).mutualFollows;
    expect(self.edges).toHaveLength(4);
    expect(entity(await h.gql(MUTUALS, { r: reps([a!]), other: newId() })).mutualFollows.edges).toEqual([]);
    for (const [vars, field] of [
      [{ other: 'nope' }, 'other'],
      [{ other: b, first: 101 }, 'first'],
      [{ other: b, after: 'garbage' }, 'after'],
      [{ other: b, after: encodeCursor({ v: 1, c: 1, f: 1, id: newId() }) }, 'after'],
    ] as const) {
      const res = await h.gql(MUTUALS, { r: reps([a!]), ...vars });
      expect({ code: errorCode(res), field: res.errors?.[0]?.extensions?.['field'] }).toEqual({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('followedByPeopleYouFollow counts and names the viewer`s followees who follow a profile, one batch per page', async () => {
    const [viewer, f1, f2, f3, p1, p2] = h.people(6) as string[];
    for (const f of [f1, f2, f3]) await follow(viewer!, f!);
    for (const f of [f1, f2, f3]) await follow(f!, p1!);
    await follow(f1!, p2!);
    await follow(newId(), f2!); // f2 is the most followed of them (h.people is not needed for a follower)
    const before = h.discoveryCalls['followedBy'] ?? 0;
    const res = await h.gql(FOLLOWED_BY, { r: reps([p1!, p2!, viewer!]), n: 2 }, { viewerId: viewer });
    expect(res.errors).toBeUndefined();
    const [one, two, self] = res.data!['_entities'];
    expect(one.followedByPeopleYouFollow.totalCount).toBe(3);
    expect(one.followedByPeopleYouFollow.sample).toHaveLength(2);
    expect(one.followedByPeopleYouFollow.sample[0]).toEqual({ id: f2 });
    expect(two.followedByPeopleYouFollow).toEqual({ totalCount: 1, sample: [{ id: f1 }] });
    expect(self.followedByPeopleYouFollow).toEqual({ totalCount: 0, sample: [] });
    expect((h.discoveryCalls['followedBy'] ?? 0) - before).toBe(1);
    const signedOut = await h.gql(FOLLOWED_BY, { r: reps([p1!]) }, { viewerId: null });
    expect(entity(signedOut).followedByPeopleYouFollow).toEqual({ totalCount: 0, sample: [] });
    const tooMany = await h.gql(FOLLOWED_BY, { r: reps([p1!]), n: 11 }, { viewerId: viewer });
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
  });

  it('isVip follows the follower count with hysteresis and announces each switch once', async () => {
    const [star, ...fans] = h.people(5) as string[];
    for (const f of fans.slice(0, 2)) await follow(f!, star!);
    expect(entity(await h.gql(VIP, { r: reps([star!]) }))).toEqual({ isVip: false, followerCount: 2 });
    await follow(fans[2]!, star!);
    expect(entity(await h.gql(VIP, { r: reps([star!]) }))).toEqual({ isVip: true, followerCount: 3 });
    await h.gql(UNFOLLOW, { userId: star }, { viewerId: fans[0] }); // 2 followers: below 2.7 (90% of 3)
    expect(entity(await h.gql(VIP, { r: reps([star!]) }))).toEqual({ isVip: false, followerCount: 2 });
    await h.settled();
    await eventually(async () =>
      h.events.filter((e) => e.subject === 'user.vip-changed' && JSON.stringify(e.data).includes(star!)).length === 2 ? true : undefined,
    );
    expect(
      h.events.filter((e) => e.subject === 'user.vip-changed' && 'userId' in e.data && e.data.userId === star).map((e) => e.data),
    ).toEqual([
      { userId: star, isVip: true, followerCount: 3 },
      { userId: star, isVip: false, followerCount: 2 },
    ]);
  });

  it('_followedVipIds lists the VIPs a person follows, cached and refreshed when the person follows another', async () => {
    const [fan, vip1, vip2] = h.people(3) as string[];
    for (const vip of [vip1, vip2]) for (const f of h.people(3)) await follow(f, vip!);
    const ask = async () => (await h.gql(`query($id: ID!) { _followedVipIds(userId: $id) }`, { id: fan })).data?.['_followedVipIds'];
    await follow(fan!, vip1!);
    expect(await ask()).toEqual([vip1]);
    const reads = h.calls['followedVipIds'] ?? 0;
    expect(await ask()).toEqual([vip1]);
    expect(h.calls['followedVipIds'] ?? 0).toBe(reads); // a cache hit
    await follow(fan!, vip2!);
    expect(new Set(await ask())).toEqual(new Set([vip1, vip2])); // invalidated by the follow
    expect(errorCode(await h.gql(`{ _followedVipIds(userId: "x") }`))).toBe('BAD_USER_INPUT');
  });

  it('_followerIds pages the follower ids; a large account`s list comes from the cache', async () => {
    const star = newId();
    const fans = Array.from({ length: LARGE_ACCOUNT_FOLLOWERS }, () => newId());
    const t0 = Date.UTC(2025, 0, 1);
    for (const [i, f] of fans.entries()) await h.stores.follows.follow(f, star, new Date(t0 + i));
    const QUERY = `query($id: ID!, $first: Int, $after: String) { _followerIds(userId: $id, first: $first, after: $after) { ids endCursor hasNextPage } }`;
    const seen: string[] = [];
    let after: string | null = null;
    const listReads = h.calls['followers'] ?? 0;
    for (;;) {
      const res = await h.gql(QUERY, { id: star, first: 300, after });
      expect(res.errors).toBeUndefined();
      const page: { ids: string[]; endCursor: string | null; hasNextPage: boolean } = res.data?.['_followerIds'];
      seen.push(...page.ids);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(seen).toEqual([...fans].reverse());
    expect((h.calls['followers'] ?? 0) - listReads).toBe(1); // one read filled the cache; four pages served from it
    const small = (await h.gql(QUERY, { id: fans[0], first: 10 })).data?.['_followerIds'];
    expect(small).toEqual({ ids: [], endCursor: null, hasNextPage: false });
    expect(errorCode(await h.gql(QUERY, { id: star, first: 5001 }))).toBe('BAD_USER_INPUT');
  });

  it('counts are cached per person and right again right after a follow', async () => {
    const [me, them] = h.people(2) as string[];
    const COUNTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followerCount followingCount } } }`;
    await h.gql(COUNTS, { r: reps([them!]) });
    const reads = h.calls['stats'] ?? 0;
    expect(entity(await h.gql(COUNTS, { r: reps([them!]) }))).toEqual({ followerCount: 0, followingCount: 0 });
    expect(h.calls['stats'] ?? 0).toBe(reads); // served by the cache
    await follow(me!, them!);
    expect(entity(await h.gql(COUNTS, { r: reps([them!]) }))).toEqual({ followerCount: 1, followingCount: 0 });
  });
});
