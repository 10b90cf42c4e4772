import { randomBytes } from 'node:crypto';
import neo4jDriver from 'neo4j-driver';
import { eventually, privateServer, realServers, uniqueName, type PrivateServer } from '@social/test-kit';
import { GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { changed } }`;
const SUGGESTIONS = `{ suggestions(first: 5) { edges { node { id handle } reason { kind } } } }`;
const ME = `{ me { id handle followerCount } }`;
const CREATE_POST = `mutation($text: String!) { createPost(text: $text) { id text } }`;

/**
 * The whole supergraph with social-graph on a private Neo4j that is stopped mid-run: through the
 * gateway, suggestions still answer (popular accounts) and the client sees extensions.degraded;
 * follow fails with SERVICE_UNAVAILABLE within seconds; the user and post subgraphs keep answering.
 */
describe('the supergraph while the social graph`s Neo4j is down', () => {
  let neo4j: PrivateServer;
  let stack: Stack;
  const suffix = randomBytes(3).toString('hex');
  const isolation = uniqueName('e2e');

  /** Outbox records the social graph's relay has not published yet (publishing re-applies cache invalidation). */
  async function pendingOutbox(): Promise<number> {
    const driver = neo4jDriver.driver(neo4j.url);
    try {
      const { records } = await driver.executeQuery(`MATCH (o:\`${isolation}Outbox\`) RETURN count(o) AS n`);
      return Number(records[0]!.get('n'));
    } finally {
      await driver.close();
    }
  }

  beforeAll(async () => {
    neo4j = await privateServer('neo4j');
    stack = await startStack({ real: { ...realServers(), neo4jUri: neo4j.url, isolation } });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await neo4j?.close();
  });

  it('degrades suggestions with a notice, refuses follows quickly, and the rest keeps answering', async () => {
    const anon = new GraphQLClient(stack.gatewayUrl);
    const register = async (name: string) => {
      const { register } = await anon.data(REGISTER, {
        input: { handle: `${name}_${suffix}`.slice(0, 15), email: `${name}.${suffix}@example.com`, password: 'correct horse battery' },
      });
      return { id: register.user.id as string, client: anon.withToken(register.accessToken) };
    };
    const [viewer, friend, other] = [await register('ada'), await register('bob'), await register('cy')];
    // A fresh JVM compiles its first queries slowly: retry until the graph answers.
    await eventually(async () => ((await viewer.client.request(FOLLOW, { id: friend.id })).errors ? undefined : true), 60_000, 200);
    await friend.client.data(FOLLOW, { id: other.id });
    // The relay re-applies each follow's invalidation when it publishes; a count cached before that would be dropped.
    await eventually(async () => ((await pendingOutbox()) === 0 ? true : undefined), 30_000, 100);
    expect((await viewer.client.data(ME)).me.followerCount).toBe(0); // cached now
    await eventually(async () => ((await viewer.client.request(SUGGESTIONS)).extensions ? undefined : true), 30_000, 500);

    await neo4j.stop();

    const degraded = await viewer.client.request(SUGGESTIONS);
    expect(degraded.errors).toBeUndefined();
    expect(degraded.extensions?.['degraded']).toEqual([
      { field: 'suggestions', reason: expect.stringMatching(/^graph-(unavailable|timeout)$/), fallback: 'popular-accounts' },
    ]);

    const started = Date.now();
    const follow = await viewer.client.request(FOLLOW, { id: other.id });
    expect(follow.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(8_000);

    const me = await viewer.client.request(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data?.['me']).toMatchObject({ id: viewer.id, followerCount: 0 }); // user subgraph + cached count
    const post = await viewer.client.request(CREATE_POST, { text: 'still posting while the graph is down' });
    expect(post.errors).toBeUndefined();

    await neo4j.start();
    await eventually(async () => ((await viewer.client.request(FOLLOW, { id: other.id })).errors ? undefined : true), 60_000, 500);
  }, 180_000);
});
