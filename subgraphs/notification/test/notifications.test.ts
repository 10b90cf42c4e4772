import { newId } from '@social/kit';
import { liveSubjects, type NotificationLive } from '@social/events';
import { eventually } from '@social/test-kit';
import { codes, MARK_READ, NOTIFICATIONS, startHarness, UNREAD, type Harness } from './harness';

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

const unread = async (who: string) => (await h.gql(UNREAD, {}, who)).data?.unreadNotificationCount as number;
const list = async (who: string, vars: Record<string, unknown> = {}) => (await h.gql(NOTIFICATIONS, vars, who)).data.notifications;
/** Waits until the consumer has caught up: everything published so far is applied. */
const settled = (who: string, expectedUnread: number) =>
  eventually(async () => ((await unread(who)) === expectedUnread ? true : undefined));

describe('grouping', () => {
  it('groups likes of one post into one notification, newest actors first, never the author', async () => {
    const author = newId();
    const post = newId();
    const likers = Array.from({ length: 5 }, () => newId());
    for (const u of likers) await h.bus.publish('post.liked', { postId: post, authorId: author, userId: u });
    await h.bus.publish('post.liked', { postId: post, authorId: author, userId: author }); // own like: nothing
    await eventually(async () => ((await list(author)).edges[0]?.node.actorCount === 5 ? true : undefined));
    const page = await list(author);
    expect(page.edges).toHaveLength(1);
    expect(page.edges[0].node).toMatchObject({ kind: 'LIKE', actorCount: 5, post: { id: post }, commentId: null, read: false });
    expect(page.edges[0].node.actors.map((a: { id: string }) => a.id)).toEqual([likers[4], likers[3], likers[2]]);
    expect(await unread(author)).toBe(1);
  });

  it('takes back an unliked like, and hides the group when nobody is left', async () => {
    const author = newId();
    const post = newId();
    const [a, b] = [newId(), newId()];
    await h.bus.publish('post.liked', { postId: post, authorId: author, userId: a });
    await h.bus.publish('post.liked', { postId: post, authorId: author, userId: b });
    await h.bus.publish('post.unliked', { postId: post, authorId: author, userId: a });
    // Wait for the unlike itself: a's like alone also shows one actor, both likes show b first.
    await eventually(async () => {
      const n = (await list(author)).edges[0]?.node;
      return n?.actorCount === 1 && n.actors[0]?.id === b ? true : undefined;
    });
    expect((await list(author)).edges[0].node).toMatchObject({ actorCount: 1, actors: [{ id: b }] });
    await h.bus.publish('post.unliked', { postId: post, authorId: author, userId: b });
    await settled(author, 0);
    expect((await list(author)).edges).toEqual([]);
  });

  it('groups follows, and an unfollow takes the follower out', async () => {
    const me = newId();
    const [a, b] = [newId(), newId()];
    await h.bus.publish('user.followed', { followerId: a, followeeId: me });
    await h.bus.publish('user.followed', { followerId: b, followeeId: me });
    await h.bus.publish('user.unfollowed', { followerId: a, followeeId: me });
    await eventually(async () => {
      const n = (await list(me)).edges[0]?.node;
      return n?.actorCount === 1 && n.actors[0].id === b ? n : undefined;
    });
    expect((await list(me)).edges[0].node).toMatchObject({ kind: 'FOLLOW', post: null });
  });

  it('keeps comments and mentions single, and a deleted comment takes its notification away', async () => {
    const me = newId();
    const post = newId();
    const [c1, c2] = [newId(), newId()];
    const bob = newId();
    await h.bus.publish('comment.added', {
      commentId: c1,
      postId: post,
      postAuthorId: me,
      authorId: bob,
      createdAt: new Date().toISOString(),
    });
    await h.bus.publish('comment.added', {
      commentId: c2,
      postId: post,
      postAuthorId: me,
      authorId: bob,
      createdAt: new Date().toISOString(),
    });
    await h.bus.publish('user.mentioned', { mentionedUserId: me, byUserId: bob, postId: post, commentId: null });
    await settled(me, 3);
    // Handled in one write, so they may share a timestamp: compare as a set.
    const kinds = (await list(me)).edges.map(
      (e: { node: { kind: string; commentId: string | null } }) => `${e.node.kind} ${e.node.commentId}`,
    );
    expect(kinds.sort()).toEqual([`COMMENT ${c1}`, `COMMENT ${c2}`, 'MENTION null'].sort());
    await h.bus.publish('comment.deleted', { commentId: c1, postId: post, postAuthorId: me, authorId: bob });
    await settled(me, 2);
  });

  it('sends nothing from someone the recipient blocked, until they unblock', async () => {
    const me = newId();
    const troll = newId();
    const post = newId();
    await h.bus.publish('user.blocked', { blockerId: me, blockedId: troll });
    await h.bus.publish('post.liked', { postId: post, authorId: me, userId: troll });
    await h.bus.publish('user.followed', { followerId: newId(), followeeId: me }); // a marker that the consumer got this far
    await settled(me, 1);
    expect((await list(me)).edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual(['FOLLOW']);
    await h.bus.publish('user.unblocked', { blockerId: me, blockedId: troll });
    await h.bus.publish('user.mentioned', { mentionedUserId: me, byUserId: troll, postId: post, commentId: null });
    await settled(me, 2);
  });

  it('publishes each new or changed group live with the unread count', async () => {
    const me = newId();
    const got: NotificationLive[] = [];
    h.live.subscribeLive(liveSubjects.notification(me), (p) => got.push(p as NotificationLive));
    await h.bus.publish('user.followed', { followerId: newId(), followeeId: me });
    const first = await eventually(async () => got[0]);
    const id = (await list(me)).edges[0].node.id;
    expect(first).toEqual({ userId: me, groupId: id, unreadCount: 1 });
  });
});

describe('reading', () => {
  async function likedPosts(author: string, n: number): Promise<string[]> {
    const posts = Array.from({ length: n }, () => newId());
    for (const p of posts) {
      await h.bus.publish('post.liked', { postId: p, authorId: author, userId: newId() });
      await settled(author, posts.indexOf(p) + 1); // one at a time, so the order is the publish order
    }
    return posts;
  }

  it('pages newest first with cursors', async () => {
    const me = newId();
    const posts = await likedPosts(me, 3);
    const p1 = await list(me, { first: 2 });
    expect(p1.edges.map((e: { node: { post: { id: string } } }) => e.node.post.id)).toEqual([posts[2], posts[1]]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await list(me, { first: 2, after: p1.pageInfo.endCursor });
    expect(p2.edges.map((e: { node: { post: { id: string } } }) => e.node.post.id)).toEqual([posts[0]]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });

  it('marks read up to a notification; a later like makes its group unread again', async () => {
    const me = newId();
    const posts = await likedPosts(me, 3);
    const ids = (await list(me)).edges.map((e: { node: { id: string } }) => e.node.id);
    expect((await h.gql(MARK_READ, { upTo: ids[1] }, me)).data.markNotificationsRead).toBe(1);
    expect((await list(me)).edges.map((e: { node: { read: boolean } }) => e.node.read)).toEqual([false, true, true]);
    expect((await h.gql(MARK_READ, { upTo: ids[2] }, me)).data.markNotificationsRead).toBe(1); // never moves back
    await h.bus.publish('post.liked', { postId: posts[0]!, authorId: me, userId: newId() });
    await settled(me, 2);
    const top = (await list(me)).edges[0].node;
    expect(top).toMatchObject({ id: ids[2], actorCount: 2, read: false });
  });

  it('refuses bad input with stable codes', async () => {
    const me = newId();
    await likedPosts(me, 1);
    const mine = (await list(me)).edges[0].node.id;
    expect(codes(await h.gql(NOTIFICATIONS, { first: 101 }, me))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(NOTIFICATIONS, { after: 'garbage' }, me))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(MARK_READ, { upTo: 'nope' }, me))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(MARK_READ, { upTo: newId() }, me))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(MARK_READ, { upTo: mine }, newId()))).toEqual(['FORBIDDEN']);
    expect(await unread(me)).toBe(1); // nothing half-written
  });

  it('requires sign-in for every field', async () => {
    for (const [q, v] of [
      [NOTIFICATIONS, {}],
      [UNREAD, {}],
      [MARK_READ, { upTo: newId() }],
    ] as const) {
      expect(codes(await h.gql(q, v, null))).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('retention', () => {
  it('removes groups not updated within the retention period', async () => {
    const me = newId();
    await h.bus.publish('user.followed', { followerId: newId(), followeeId: me });
    await settled(me, 1);
    expect(await h.service.workers.removeExpiredNow(new Date())).toBe(0);
    const later = new Date(Date.now() + 91 * 24 * 60 * 60_000); // default retention: 90 days
    expect(await h.service.workers.removeExpiredNow(later)).toBe(1);
    expect(await unread(me)).toBe(0);
  });
});
