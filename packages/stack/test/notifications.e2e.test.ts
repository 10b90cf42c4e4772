import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { errorCode, GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

/**
 * Issue 8 end to end through the gateway on real servers (FerretDB, NATS JetStream): twenty people
 * like one post, one follows and unfollows, one mentions; the author, connected over the gateway's
 * graphql-ws endpoint, receives each change live, and after a disconnect finds the same groups and
 * counts by query, marks them read, and is notified again when someone joins a read group.
 */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const CREATE_POST = `mutation($text: String!) { createPost(text: $text) { id } }`;
const LIKE = `mutation($p: ID!) { likePost(postId: $p) { likeCount } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { changed } }`;
const UNFOLLOW = `mutation($id: ID!) { unfollow(userId: $id) { changed } }`;
const NOTIFICATIONS = `query($first: Int, $after: String) { notifications(first: $first, after: $after) {
  edges { node { id kind actorCount actors { handle } post { id text } read } }
  pageInfo { hasNextPage endCursor } } }`;
const UNREAD = `{ unreadNotificationCount }`;
const MARK_READ = `mutation($upTo: ID!) { markNotificationsRead(upTo: $upTo) }`;
const NOTIFIED = `subscription { notificationAdded { groupId unreadCount } }`;

type Account = { id: string; handle: string; token: string; client: GraphQLClient };
type Node = {
  id: string;
  kind: string;
  actorCount: number;
  actors: { handle: string }[];
  post: { id: string; text: string } | null;
  read: boolean;
};
type Delivery = { groupId: string; unreadCount: number };

let stack: Stack;
let anon: GraphQLClient;
const suffix = randomBytes(3).toString('hex');
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const real = { ...realServers(), isolation: uniqueName('e2e') };
  stack = await startStack({ real, postEnv: { RECONCILE_INTERVAL_MS: '0' } });
  anon = new GraphQLClient(stack.gatewayUrl);
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await stack?.stop();
});

const register = async (name: string): Promise<Account> => {
  const { register } = await anon.data(REGISTER, {
    input: { handle: `${name}_${suffix}`.slice(0, 15), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
  });
  return { id: register.user.id, handle: register.user.handle, token: register.accessToken, client: anon.withToken(register.accessToken) };
};
const nodes = async (a: Account): Promise<Node[]> =>
  (await a.client.data<{ notifications: { edges: { node: Node }[] } }>(NOTIFICATIONS, { first: 50 })).notifications.edges.map(
    (e) => e.node,
  );
const unread = async (a: Account) => (await a.client.data<{ unreadNotificationCount: number }>(UNREAD)).unreadNotificationCount;

/** The gateway's live-connection counters (this stack's gateway serves only this test's clients). */
const liveStats = () =>
  (stack.services.gateway as unknown as { live: { stats(): { connections: number; subjects: number } } }).live.stats();

/**
 * Connects to the gateway's graphql-ws endpoint as `a` and subscribes to notificationAdded. Resolves
 * once the gateway listens on the person's subject: a live event published before that is (by design) missed.
 */
async function watchNotifications(a: Account) {
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const client = createClient({
    url: stack.gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    connectionParams: { authorization: `Bearer ${a.token}` },
  });
  const close = () => client.dispose() as Promise<void>;
  closers.push(close);
  client.subscribe<{ notificationAdded: Delivery }>(
    { query: NOTIFIED },
    {
      next: (r) => (r.data ? deliveries.push(r.data.notificationAdded) : errors.push(r.errors)),
      error: (e) => void errors.push(e),
      complete: () => {},
    },
  );
  await eventually(async () => (liveStats().subjects >= 1 ? true : undefined));
  return { deliveries, errors, close };
}

describe('notifications through the gateway (real servers)', () => {
  it('delivers grouped likes, a follow until it is undone, and a mention live, and keeps them across a disconnect', async () => {
    const author = await register('author');
    const watcher = await watchNotifications(author);
    const { createPost } = await author.client.data(CREATE_POST, { text: 'a popular post' });
    const likers: Account[] = [];
    for (let i = 0; i < 22; i++) likers.push(await register(`l${i}`));
    const [offlineLiker, lateLiker] = likers.splice(20, 2) as [Account, Account];
    for (const l of likers) await l.client.data(LIKE, { p: createPost.id });
    await author.client.data(LIKE, { p: createPost.id }); // your own like: no notification

    const fan = likers[0]!;
    await fan.client.data(FOLLOW, { id: author.id });
    const follow = await eventually(async () => (await nodes(author)).find((n) => n.kind === 'FOLLOW'), 20_000);
    await fan.client.data(UNFOLLOW, { id: author.id });
    await likers[1]!.client.data(CREATE_POST, { text: `hello @${author.handle}` });

    const list = await eventually(async () => {
      const ns = await nodes(author);
      const like = ns.find((n) => n.kind === 'LIKE');
      return like?.actorCount === 20 && ns.some((n) => n.kind === 'MENTION') && !ns.some((n) => n.kind === 'FOLLOW') ? ns : undefined;
    }, 20_000);
    expect(list).toHaveLength(2);
    const like = list.find((n) => n.kind === 'LIKE')!;
    const mention = list.find((n) => n.kind === 'MENTION')!;
    expect(like.post).toEqual({ id: createPost.id, text: 'a popular post' }); // hydrated by the post subgraph
    expect(like.actors.map((a) => a.handle)).toEqual([likers[19]!.handle, likers[18]!.handle, likers[17]!.handle]);
    expect(mention.actors.map((a) => a.handle)).toEqual([likers[1]!.handle]);
    expect(await unread(author)).toBe(2);

    // Live: every group that changed was announced to the author with the badge count; the last
    // announcement carries the count as it stands (the like group and the mention; the follow is gone).
    const live = await eventually(async () => {
      const ids = new Set(watcher.deliveries.map((d) => d.groupId));
      const last = watcher.deliveries.at(-1);
      return [like.id, follow.id, mention.id].every((id) => ids.has(id)) && last?.unreadCount === 2 ? watcher.deliveries : undefined;
    }, 20_000);
    expect(watcher.errors).toEqual([]);
    expect(new Set(live.map((d) => d.groupId))).toEqual(new Set([like.id, follow.id, mention.id])); // nobody else's
    for (const d of live) expect(d.unreadCount).toBeGreaterThanOrEqual(1);
    expect(live.length).toBeLessThanOrEqual(20 + 2 + 1); // grouped writes announce at most once per change

    // The read marker: someone else's id is refused, bad input and signed out too.
    expect(errorCode(await likers[2]!.client.request(MARK_READ, { upTo: list[0]!.id }))).toBe('FORBIDDEN');
    expect(errorCode(await author.client.request(MARK_READ, { upTo: 'nope' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await anon.request(UNREAD))).toBe('UNAUTHENTICATED');

    // Offline: the author disconnects, one more person likes; the stored state is what counts.
    await watcher.close();
    // Gone from the gateway (and its NATS subject released), so the reconnect below is really a new subscription.
    await eventually(async () => (liveStats().connections === 0 && liveStats().subjects === 0 ? true : undefined));
    const deliveredBeforeClose = watcher.deliveries.length;
    await offlineLiker.client.data(LIKE, { p: createPost.id });
    const afterOffline = await eventually(async () => {
      const ns = await nodes(author);
      return ns[0]?.id === like.id && ns[0].actorCount === 21 ? ns : undefined;
    }, 20_000);
    expect(afterOffline.map((n) => [n.id, n.kind, n.read])).toEqual([
      [like.id, 'LIKE', false],
      [mention.id, 'MENTION', false],
    ]);
    expect(afterOffline[0]!.actors[0]!.handle).toBe(offlineLiker.handle);
    expect(await unread(author)).toBe(2);
    expect(watcher.deliveries).toHaveLength(deliveredBeforeClose);

    // Back online: read everything (the newest one read means all read), then someone joins the read
    // like group: it is announced live, at the top and unread again.
    const again = await watchNotifications(author);
    expect((await author.client.data(MARK_READ, { upTo: afterOffline[0]!.id })).markNotificationsRead).toBe(0);
    expect(await unread(author)).toBe(0);
    expect((await nodes(author)).every((n) => n.read)).toBe(true);
    await lateLiker.client.data(LIKE, { p: createPost.id });
    await eventually(async () => (again.deliveries.length ? true : undefined), 20_000);
    expect(again.errors).toEqual([]);
    expect(again.deliveries).toEqual([{ groupId: like.id, unreadCount: 1 }]);
    expect((await nodes(author)).map((n) => [n.id, n.actorCount, n.read])).toEqual([
      [like.id, 22, false],
      [mention.id, 1, true],
    ]);
    expect(await unread(author)).toBe(1);
  });
});
