import { newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import { errorCode } from '../src/testing/http';
import { FOLLOW, UNFOLLOW, startHarness, type Harness } from './harness';

describe('follow and unfollow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('follow is idempotent: changed on the first call only; counts and isFollowing follow', async () => {
    const [me, them] = h.people(2) as [string, string];
    const first = await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    expect(first.errors).toBeUndefined();
    expect(first.data?.['follow']).toEqual({
      changed: true,
      user: { id: them, followerCount: 1, isFollowing: true },
      viewer: { id: me, followingCount: 1 },
    });
    const again = await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    expect(again.data?.['follow']).toMatchObject({ changed: false, user: { followerCount: 1, isFollowing: true } });
  });

  it('unfollow is idempotent and unfollowing someone never followed is changed: false', async () => {
    const [me, them] = h.people(2) as [string, string];
    await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    const first = await h.gql(UNFOLLOW, { userId: them }, { viewerId: me });
    expect(first.data?.['unfollow']).toEqual({
      changed: true,
      user: { id: them, followerCount: 0, isFollowing: false },
      viewer: { id: me, followingCount: 0 },
    });
    const again = await h.gql(UNFOLLOW, { userId: them }, { viewerId: me });
    expect(again.errors).toBeUndefined();
    expect(again.data?.['unfollow']).toMatchObject({ changed: false });
  });

  it('publishes user.followed / user.unfollowed only when something changed', async () => {
    const [me, them] = h.people(2) as [string, string];
    await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    await h.gql(UNFOLLOW, { userId: them }, { viewerId: me });
    await h.gql(UNFOLLOW, { userId: them }, { viewerId: me });
    // Events are delivered in order: once this later one has arrived, every earlier one has too.
    const [other] = h.people(1) as [string];
    await h.gql(FOLLOW, { userId: other }, { viewerId: me });
    await eventually(async () =>
      h.events.some((e) => e.subject === 'user.followed' && 'followeeId' in e.data && e.data.followeeId === other) ? true : undefined,
    );
    const forPair = h.events.filter((e) => 'followerId' in e.data && e.data.followerId === me && e.data.followeeId === them);
    expect(forPair.map((e) => [e.subject, e.data])).toEqual([
      ['user.followed', { followerId: me, followeeId: them }],
      ['user.unfollowed', { followerId: me, followeeId: them }],
    ]);
  });

  it.each([
    ['follow', FOLLOW],
    ['unfollow', UNFOLLOW],
  ])('%s signed out is UNAUTHENTICATED', async (_name, mutation) => {
    const [them] = h.people(1) as [string];
    const res = await h.gql(mutation, { userId: them }, { viewerId: null });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['follow', FOLLOW],
    ['unfollow', UNFOLLOW],
  ])('%s yourself, a malformed id or an unknown id is BAD_USER_INPUT on userId', async (_name, mutation) => {
    const [me] = h.people(1) as [string];
    const followsBefore = h.calls['follow'] ?? 0;
    for (const userId of [me, 'not-an-id', 'ABCDEF0123456789ABCDEF01', `${newId()}0`, newId()]) {
      const res = await h.gql(mutation, { userId }, { viewerId: me });
      expect({ userId, code: errorCode(res), field: res.errors?.[0]?.extensions?.['field'] }).toEqual({
        userId,
        code: 'BAD_USER_INPUT',
        field: 'userId',
      });
    }
    // Nothing reached the graph's follow: a bad target never creates a node or an edge.
    expect(h.calls['follow'] ?? 0).toBe(followsBefore);
  });

  it('an unknown id creates nothing in the graph', async () => {
    const [me] = h.people(1) as [string];
    const ghost = newId();
    await h.gql(FOLLOW, { userId: ghost }, { viewerId: me });
    const res = await h.gql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { followingCount } } }`, {
      reps: [{ __typename: 'User', id: me }],
    });
    expect(res.data?.['_entities']).toEqual([{ followingCount: 0 }]);
  });

  it('an unfollow that removes a follow does not need to ask the user service', async () => {
    const [me, them] = h.people(2) as [string, string];
    await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    const before = h.users.calls;
    const res = await h.gql(UNFOLLOW, { userId: them }, { viewerId: me });
    expect(res.data?.['unfollow']).toMatchObject({ changed: true });
    expect(h.users.calls).toBe(before);
  });
});
