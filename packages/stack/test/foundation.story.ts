import { AccessTokens, InternalSigner, INTERNAL_AUTH_HEADER } from '@social/kit';
import { randomBytes } from 'node:crypto';
import { eventually } from '@social/test-kit';
import { errorCode, GraphQLClient } from '../src/graphql-client';
import type { Stack } from '../src/start-stack';

const REGISTER = `mutation($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken user { id handle } }
}`;
const LOGIN = `mutation($h: String!, $p: String!) { login(input: { handleOrEmail: $h, password: $p }) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { changed user { id followerCount } } }`;
const CREATE_POST = `mutation($text: String!) { createPost(text: $text) { id text author { handle } } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }`;
const TIMELINE = `query($first: Int, $after: String) {
  homeTimeline(first: $first, after: $after) {
    edges { cursor node { id text author { id handle followerCount } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ME = `{ me { id handle following(first: 10) { edges { node { handle } } } } }`;

type Account = { id: string; handle: string; client: GraphQLClient; refreshToken: string };

/** The ids on `account`'s first timeline page. */
async function timelineIds(account: Account): Promise<string[]> {
  return (await account.client.data(TIMELINE)).homeTimeline.edges.map((e: any) => e.node.id);
}

/**
 * The foundation's user story, end to end through the gateway: the same story runs on the embedded
 * memory stack (unit tier) and on real MongoDB-wire, Neo4j, Redis and NATS servers (e2e tier).
 */
export function foundationStory(title: string, makeStack: () => Promise<Stack>) {
  describe(title, () => {
    let stack: Stack;
    let anon: GraphQLClient;
    const suffix = randomBytes(3).toString('hex');
    const handle = (name: string) => `${name}_${suffix}`.slice(0, 15);

    async function register(name: string): Promise<Account> {
      const { register } = await anon.data(REGISTER, {
        input: { handle: handle(name), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
      });
      return {
        id: register.user.id,
        handle: register.user.handle,
        client: anon.withToken(register.accessToken),
        refreshToken: register.refreshToken,
      };
    }

    beforeAll(async () => {
      stack = await makeStack();
      anon = new GraphQLClient(stack.gatewayUrl);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('registers, logs in, follows, posts and reads the home timeline newest first across pages', async () => {
      const alice = await register('alice');
      const bob = await register('bob');
      const carol = await register('carol');

      const login = await anon.data(LOGIN, { h: alice.handle.toUpperCase(), p: 'correct horse battery' });
      expect(login.login.user.id).toBe(alice.id);

      const followed = await alice.client.data(FOLLOW, { id: bob.id });
      expect(followed.follow).toMatchObject({ changed: true, user: { id: bob.id, followerCount: 1 } });
      const again = await alice.client.data(FOLLOW, { id: bob.id });
      expect(again.follow.changed).toBe(false);
      await alice.client.data(FOLLOW, { id: carol.id });

      const texts = ['first from bob', 'first from carol', 'second from bob', 'café ☕ from carol'];
      const authors = [bob, carol, bob, carol];
      for (const [i, text] of texts.entries()) await authors[i]!.client.data(CREATE_POST, { text });
      const stranger = await register('dave');
      await stranger.client.data(CREATE_POST, { text: 'not followed' });

      // Fan-out fills timelines asynchronously: wait until all four posts have reached alice's.
      await eventually(async () => ((await timelineIds(alice)).length === texts.length ? true : undefined));
      const page1 = await alice.client.data(TIMELINE, { first: 3 });
      expect(page1.homeTimeline.edges.map((e: any) => e.node.text)).toEqual(['café ☕ from carol', 'second from bob', 'first from carol']);
      expect(page1.homeTimeline.edges[1].node.author).toEqual({ id: bob.id, handle: bob.handle, followerCount: 1 });
      expect(page1.homeTimeline.pageInfo.hasNextPage).toBe(true);

      // A post arriving between pages must not shift or repeat the next page.
      await bob.client.data(CREATE_POST, { text: 'late arrival' });
      const page2 = await alice.client.data(TIMELINE, { first: 3, after: page1.homeTimeline.pageInfo.endCursor });
      expect(page2.homeTimeline.edges.map((e: any) => e.node.text)).toEqual(['first from bob']);
      expect(page2.homeTimeline.pageInfo.hasNextPage).toBe(false);

      const me = await alice.client.data(ME);
      expect(me.me.following.edges.map((e: any) => e.node.handle).sort()).toEqual([bob.handle, carol.handle].sort());
    });

    it('every service answers /health, /ready and /metrics, which counts the requests it served', async () => {
      // The story above registered, followed, posted and read through the gateway: every subgraph but notification served it.
      const touched = new Set(['gateway', 'user', 'social-graph', 'post', 'feed']);
      for (const service of Object.values(stack.services)) {
        const base = service.url.replace(/\/graphql$/, '');
        expect([(await fetch(`${base}/health`)).status, (await fetch(`${base}/ready`)).status]).toEqual([200, 200]);
        const scraped = await (await fetch(`${base}/metrics`)).text();
        expect(scraped).toMatch(new RegExp(`^process_cpu_user_seconds_total\\{service="${service.name}"\\} `, 'm'));
        const requests = [...scraped.matchAll(/^graphql_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)]
          .filter(([, labels]) => labels!.includes(`service="${service.name}"`))
          .reduce((sum, m) => sum + Number(m[2]), 0);
        expect({ service: service.name, served: requests > 0 }).toEqual({
          service: service.name,
          served: touched.has(service.name) || requests > 0,
        });
      }
    });

    it('deletes a post and it is gone from the timeline and from post(id)', async () => {
      const erin = await register('erin');
      const frank = await register('frank');
      await frank.client.data(FOLLOW, { id: erin.id });
      const { createPost } = await erin.client.data(CREATE_POST, { text: 'regrettable' });
      await eventually(async () => ((await timelineIds(frank)).includes(createPost.id) ? true : undefined));

      const forbidden = await frank.client.request(DELETE_POST, { id: createPost.id });
      expect(errorCode(forbidden)).toBe('FORBIDDEN');

      await erin.client.data(DELETE_POST, { id: createPost.id });
      // Read at once, before the feed may have consumed post.deleted: the page must neither list it nor break.
      expect(await timelineIds(frank)).not.toContain(createPost.id);
      expect((await anon.data(`query($id: ID!) { post(id: $id) { id } }`, { id: createPost.id })).post).toBeNull();
    });

    it('rotates refresh tokens and revokes the whole family when a used one is presented again', async () => {
      const gina = await register('gina');
      const first = await anon.data(REFRESH, { t: gina.refreshToken });
      const second = await anon.data(REFRESH, { t: first.refreshToken.refreshToken });
      expect(second.refreshToken.accessToken).toEqual(expect.any(String));

      const reuse = await anon.request(REFRESH, { t: gina.refreshToken });
      expect(errorCode(reuse)).toBe('UNAUTHENTICATED');
      // The newest token of the family is revoked too: a thief and the owner both have to sign in again.
      const afterReuse = await anon.request(REFRESH, { t: second.refreshToken.refreshToken });
      expect(errorCode(afterReuse)).toBe('UNAUTHENTICATED');
      // The access token issued with it stays usable until it expires (15 minutes at most).
      expect((await anon.withToken(second.refreshToken.accessToken).data(`{ me { id } }`)).me.id).toBe(gina.id);
    });

    describe('bad input gets a clear error and changes nothing', () => {
      let henry: Account;
      beforeAll(async () => {
        henry = await register('henry');
      });

      it('rejects a 141-character post and an empty one, and writes nothing', async () => {
        const long = await henry.client.request(CREATE_POST, { text: 'a'.repeat(141) });
        expect(errorCode(long)).toBe('BAD_USER_INPUT');
        const blank = await henry.client.request(CREATE_POST, { text: '   \n ' });
        expect(errorCode(blank)).toBe('BAD_USER_INPUT');
        const emoji = await henry.client.data(CREATE_POST, { text: '👍🏽'.repeat(140) });
        expect(emoji.createPost.id).toEqual(expect.any(String));
        const posts = await anon.data(`query($id: ID!) { user(id: $id) { posts { edges { node { text } } } } }`, { id: henry.id });
        expect(posts.user.posts.edges).toHaveLength(1);
      });

      it('rejects a duplicate handle in another case, leaving one account', async () => {
        const dup = await anon.request(REGISTER, {
          input: { handle: henry.handle.toUpperCase(), email: `other.${suffix}@example.com`, password: 'correct horse battery' },
        });
        expect(errorCode(dup)).toBe('CONFLICT');
        const login = await anon.request(LOGIN, { h: `other.${suffix}@example.com`, p: 'correct horse battery' });
        expect(errorCode(login)).toBe('UNAUTHENTICATED');
      });

      it('rejects a wrong password', async () => {
        expect(errorCode(await anon.request(LOGIN, { h: henry.handle, p: 'wrong password!' }))).toBe('UNAUTHENTICATED');
      });

      it('rejects following yourself or an unknown id', async () => {
        expect(errorCode(await henry.client.request(FOLLOW, { id: henry.id }))).toBe('BAD_USER_INPUT');
        expect(errorCode(await henry.client.request(FOLLOW, { id: 'ffffffffffffffffffffffff' }))).toBe('BAD_USER_INPUT');
        expect(errorCode(await henry.client.request(FOLLOW, { id: 'not-an-id' }))).toBe('BAD_USER_INPUT');
      });

      it('rejects missing, expired and tampered access tokens', async () => {
        expect(errorCode(await anon.request(CREATE_POST, { text: 'hi' }))).toBe('UNAUTHENTICATED');
        expect(errorCode(await anon.request(TIMELINE))).toBe('UNAUTHENTICATED');

        const expired = await new AccessTokens(stack.secrets.accessToken).sign(henry.id, -60);
        const expiredRes = await anon.withToken(expired.token).request(`{ me { id } }`);
        expect(errorCode(expiredRes)).toBe('UNAUTHENTICATED');
        expect(expiredRes.errors![0]!.message).toMatch(/expired/i);
        expect(expiredRes.status).toBe(401);

        const [h, p, s] = henry.client.token!.split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'ffffffffffffffffffffffff' })).toString('base64url');
        expect(errorCode(await anon.withToken(`${h}.${forgedPayload}.${s}`).request(`{ me { id } }`))).toBe('UNAUTHENTICATED');
      });

      it('refuses direct subgraph calls without or with a forged signature, _entities and _service included', async () => {
        const queries = [
          `{ post(id: "ffffffffffffffffffffffff") { id } }`,
          `{ _service { sdl } }`,
          `{ _entities(representations: [{ __typename: "User", id: "${henry.id}" }]) { ... on User { id } } }`,
        ];
        const forged = await new InternalSigner(randomBytes(32).toString('hex'), 'gateway').sign(henry.id);
        for (const url of [stack.services.post.url, stack.services.user.url, stack.services.socialGraph.url, stack.services.feed.url]) {
          for (const query of queries) {
            for (const headers of [{}, { [INTERNAL_AUTH_HEADER]: forged }] as Record<string, string>[]) {
              const res = await new GraphQLClient(url).request(query, {}, headers);
              expect(errorCode(res)).toBe('UNAUTHENTICATED');
              expect(res.data ?? null).toBeNull();
            }
          }
        }
      });
    });
  });
}
