import { newId } from '@social/kit';
import { errorCode } from '../src/testing/http';
import { BLOCK, FOLLOW, UNBLOCK, UNFOLLOW, startHarness, type Harness } from './harness';

const SUGGESTIONS = `query { suggestions(first: 50) { edges { node { id } } } }`;

describe('block and unblock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const follow = async (follower: string, followee: string) => {
    const res = await h.gql(FOLLOW, { userId: followee }, { viewerId: follower });
    expect(res.errors).toBeUndefined();
  };
  /** Everything about the graph a bad request must not change. */
  const snapshot = async (ids: string[]) => ({
    stats: [...(await h.stores.follows.stats(ids))],
    outbox: (await h.stores.outbox.pending(10_000)).length,
    blocks: await h.stores.follows.isBlocking(ids.flatMap((a) => ids.map((b) => ({ blockerId: a, blockedId: b })))),
  });

  it('removes the follows both ways, updates both counts at once, and is idempotent', async () => {
    const [me, them] = h.people(2) as [string, string];
    await follow(me, them);
    await follow(them, me);
    const res = await h.gql(BLOCK, { userId: them }, { viewerId: me });
    expect(res.errors).toBeUndefined();
    expect(res.data?.['block']).toEqual({
      changed: true,
      user: { id: them, blockedByViewer: true, followerCount: 0 },
      viewer: { id: me, followingCount: 0, followerCount: 0 },
    });
    const again = await h.gql(BLOCK, { userId: them }, { viewerId: me });
    expect(again.data?.['block']).toMatchObject({ changed: false, user: { blockedByViewer: true } });
    const theirView = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { blockedByViewer isFollowing } } }`,
      {
        r: [{ __typename: 'User', id: me }],
      },
      { viewerId: them },
    );
    expect(theirView.data?.['_entities']).toEqual([{ blockedByViewer: false, isFollowing: false }]);
  });

  it('a blocked person cannot follow the blocker, nor the blocker them: FORBIDDEN on userId, graph unchanged', async () => {
    const [blocker, blocked] = h.people(2) as [string, string];
    await h.gql(BLOCK, { userId: blocked }, { viewerId: blocker });
    const before = await snapshot([blocker, blocked]);
    const byBlocked = await h.gql(FOLLOW, { userId: blocker }, { viewerId: blocked });
    expect({ code: errorCode(byBlocked), field: byBlocked.errors?.[0]?.extensions?.['field'] }).toEqual({
      code: 'FORBIDDEN',
      field: 'userId',
    });
    expect(byBlocked.errors?.[0]?.message).toMatch(/blocked you/);
    const byBlocker = await h.gql(FOLLOW, { userId: blocked }, { viewerId: blocker });
    expect(errorCode(byBlocker)).toBe('FORBIDDEN');
    expect(byBlocker.errors?.[0]?.message).toMatch(/Unblock/);
    expect(await snapshot([blocker, blocked])).toEqual(before);
  });

  it('unblock lifts the block without restoring follows; following works again', async () => {
    const [me, them] = h.people(2) as [string, string];
    await follow(them, me);
    await h.gql(BLOCK, { userId: them }, { viewerId: me });
    const res = await h.gql(UNBLOCK, { userId: them }, { viewerId: me });
    expect(res.data?.['unblock']).toEqual({ changed: true, user: { id: them, blockedByViewer: false } });
    expect((await h.gql(UNBLOCK, { userId: them }, { viewerId: me })).data?.['unblock']).toMatchObject({ changed: false });
    const isFollowing = await h.stores.follows.isFollowing([{ followerId: them, followeeId: me }]);
    expect(isFollowing).toEqual([false]);
    expect((await h.gql(FOLLOW, { userId: me }, { viewerId: them })).data?.['follow']).toMatchObject({ changed: true });
  });

  it('a blocked account disappears from the blocker`s suggestions at once, and the blocker from theirs', async () => {
    const [me, friend, them] = h.people(3) as [string, string, string];
    await follow(me, friend);
    await follow(friend, them);
    await follow(them, friend);
    await follow(friend, me);
    const ids = async (viewer: string) =>
      ((await h.gql(SUGGESTIONS, {}, { viewerId: viewer })).data?.['suggestions'].edges as { node: { id: string } }[]).map(
        (e) => e.node.id,
      );
    expect(await ids(me)).toContain(them); // ranked and stored now...
    expect(await ids(them)).toContain(me);
    await h.gql(BLOCK, { userId: them }, { viewerId: me });
    expect(await ids(me)).not.toContain(them); // ...and filtered on every page served from it
    expect(await ids(them)).not.toContain(me);
  });

  it.each([
    ['block', BLOCK],
    ['unblock', UNBLOCK],
  ])('%s signed out is UNAUTHENTICATED; yourself, malformed and unknown ids are BAD_USER_INPUT; nothing changes', async (_n, mutation) => {
    const [me, them] = h.people(2) as [string, string];
    expect(errorCode(await h.gql(mutation, { userId: them }, { viewerId: null }))).toBe('UNAUTHENTICATED');
    const before = await snapshot([me, them]);
    const blocksBefore = h.calls['block'] ?? 0;
    for (const userId of [me, 'not-an-id', 'ABCDEF0123456789ABCDEF01', newId()]) {
      const res = await h.gql(mutation, { userId }, { viewerId: me });
      expect({ userId, code: errorCode(res), field: res.errors?.[0]?.extensions?.['field'] }).toEqual({
        userId,
        code: 'BAD_USER_INPUT',
        field: 'userId',
      });
    }
    expect(h.calls['block'] ?? 0).toBe(blocksBefore);
    expect(await snapshot([me, them])).toEqual(before);
  });

  it('unfollow and follow bad input leaves the graph unchanged too', async () => {
    const [me, them] = h.people(2) as [string, string];
    await follow(me, them);
    const before = await snapshot([me, them]);
    for (const [mutation, userId] of [
      [FOLLOW, me],
      [FOLLOW, newId()],
      [UNFOLLOW, 'nope'],
      [UNFOLLOW, newId()],
    ] as const) {
      expect(errorCode(await h.gql(mutation, { userId }, { viewerId: me }))).toBe('BAD_USER_INPUT');
    }
    expect(await snapshot([me, them])).toEqual(before);
  });
});
