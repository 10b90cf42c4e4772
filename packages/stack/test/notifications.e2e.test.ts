import { randomBytes } from 'node:crypto';
import { createLogger } from '@social/kit';
import { createLiveBus, liveSubjects, type LiveSubscriber, type NotificationLive } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { errorCode, GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

/**
 * Issue 8 end to end through the gateway on real servers (FerretDB, NATS JetStream): twenty people
 * like one post, one follows and unfollows, one mentions; the author sees grouped notifications,
 * counts, live events, and marks them read.
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

type Account = { id: string; handle: string; client: GraphQLClient };
type Node = {
  id: string;
  kind: string;
  actorCount: number;
  actors: { handle: string }[];
  post: { id: string; text: string } | null;
  read: boolean;
};

let stack: Stack;
let anon: GraphQLClient;
let live: LiveSubscriber & { close(): Promise<void> };
const suffix = randomBytes(3).toString('hex');

beforeAll(async () => {
  const isolation = uniqueName('e2e');
  const real = { ...realServers(), isolation };
  stack = await startStack({ real, postEnv: { RECONCILE_INTERVAL_MS: '0' } });
  anon = new GraphQLClient(stack.gatewayUrl);
  live = await createLiveBus({ natsUrl: real.natsUrl, subjectPrefix: `${isolation}.`, logger: createLogger('e2e', 'silent') });
});
afterAll(async () => {
  await live?.close();
  await stack?.stop();
});

const register = async (name: string): Promise<Account> => {
  const { register } = await anon.data(REGISTER, {
    input: { handle: `${name}_${suffix}`.slice(0, 15), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
  });
  return { id: register.user.id, handle: register.user.handle, client: anon.withToken(register.accessToken) };
};
const nodes = async (a: Account): Promise<Node[]> =>
  (await a.client.data<{ notifications: { edges: { node: Node }[] } }>(NOTIFICATIONS, { first: 50 })).notifications.edges.map(
    (e) => e.node,
  );
const unread = async (a: Account) => (await a.client.data<{ unreadNotificationCount: number }>(UNREAD)).unreadNotificationCount;

describe('notifications through the gateway (real servers)', () => {
  it('groups twenty likes, shows a follow until it is undone, keeps a mention, and counts unread', async () => {
    const author = await register('author');
    const got: NotificationLive[] = [];
    live.subscribeLive(liveSubjects.notification(author.id), (p) => got.push(p as NotificationLive));
    const { createPost } = await author.client.data(CREATE_POST, { text: 'a popular post' });
    const likers: Account[] = [];
    for (let i = 0; i < 20; i++) likers.push(await register(`l${i}`));
    for (const l of likers) await l.client.data(LIKE, { p: createPost.id });
    await author.client.data(LIKE, { p: createPost.id }); // your own like: no notification

    const fan = likers[0]!;
    await fan.client.data(FOLLOW, { id: author.id });
    await eventually(async () => ((await nodes(author)).some((n) => n.kind === 'FOLLOW') ? true : undefined), 20_000);
    await fan.client.data(UNFOLLOW, { id: author.id });
    await likers[1]!.client.data(CREATE_POST, { text: `hello @${author.handle}` });

    const list = await eventually(async () => {
      const ns = await nodes(author);
      const like = ns.find((n) => n.kind === 'LIKE');
      return like?.actorCount === 20 && ns.some((n) => n.kind === 'MENTION') && !ns.some((n) => n.kind === 'FOLLOW') ? ns : undefined;
    }, 20_000);
    expect(list).toHaveLength(2);
    const like = list.find((n) => n.kind === 'LIKE')!;
    expect(like.post).toEqual({ id: createPost.id, text: 'a popular post' }); // hydrated by the post subgraph
    expect(like.actors.map((a) => a.handle)).toEqual([likers[19]!.handle, likers[18]!.handle, likers[17]!.handle]);
    expect(list.find((n) => n.kind === 'MENTION')!.actors.map((a) => a.handle)).toEqual([likers[1]!.handle]);
    expect(await unread(author)).toBe(2);
    await eventually(async () => (got.some((p) => p.groupId === like.id && p.userId === author.id) ? true : undefined));

    // The read marker: the newest one read means all read; someone else's id is refused.
    expect(errorCode(await likers[2]!.client.request(MARK_READ, { upTo: list[0]!.id }))).toBe('FORBIDDEN');
    expect(errorCode(await author.client.request(MARK_READ, { upTo: 'nope' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await anon.request(UNREAD))).toBe('UNAUTHENTICATED');
    expect((await author.client.data(MARK_READ, { upTo: list[0]!.id })).markNotificationsRead).toBe(0);
    expect(await unread(author)).toBe(0);
    expect((await nodes(author)).every((n) => n.read)).toBe(true);
  });
});
