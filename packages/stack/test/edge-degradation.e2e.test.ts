import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { RunningService } from '@social/kit';
import { createLogger } from '@social/kit';
import { parsePostConfig, startPostService } from '@social/post';
import { eventually } from '@social/test-kit';
import { GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const ME = `{ me { id handle } }`;
/** One root field from the user subgraph, one from post: with post down the first still answers. */
const ME_AND_POST = `{ me { handle } post(id: "000000000000000000000000") { id } }`;

/**
 * The whole supergraph (embedded stores) with the post subgraph stopped while clients keep calling:
 * the user subgraph's queries keep succeeding, post's fields fail with SERVICE_UNAVAILABLE naming the
 * subgraph, its circuit breaker opens (fails fast), and a new post service on the same port is used
 * again once the breaker half-opens.
 */
describe('the gateway while one subgraph goes away and comes back', () => {
  let stack: Stack;
  let restarted: RunningService | undefined;

  beforeAll(async () => {
    // The load below is one viewer as fast as it can go: the rate limits are not what this test is about.
    stack = await startStack({ logLevel: 'silent', gatewayEnv: { RATE_LIMIT_PER_USER: '0', RATE_LIMIT_PER_IP: '0' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await restarted?.stop();
  });

  it('keeps the other subgraphs answering, opens the breaker, and recovers', async () => {
    const anon = new GraphQLClient(stack.gatewayUrl);
    const suffix = randomBytes(3).toString('hex');
    const { register } = await anon.data(REGISTER, {
      input: { handle: `edge_${suffix}`, email: `edge.${suffix}@example.com`, password: 'correct horse battery' },
    });
    const viewer = anon.withToken(register.accessToken);
    expect((await viewer.request(ME_AND_POST)).errors).toBeUndefined();

    // Load on the user subgraph the whole time post is stopped; every one of these must succeed.
    let loading = true;
    const userAnswers: boolean[] = [];
    const load = (async () => {
      while (loading) userAnswers.push(!(await viewer.request(ME)).errors);
    })();

    const postPort = (stack.services.post.httpServer.address() as AddressInfo).port;
    await stack.services.post.stop();

    const partial = await viewer.request(ME_AND_POST);
    expect(partial.data).toEqual({ me: { handle: `edge_${suffix}` }, post: null });
    expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'post' });

    // Repeated failures open post's breaker: its fields are refused at once, without a connection attempt.
    await eventually(async () =>
      /not being called/.test((await viewer.request(ME_AND_POST)).errors?.[0]?.message ?? '') ? true : undefined,
    );

    restarted = await startPostService(
      parsePostConfig({
        PORT: String(postPort),
        LOG_LEVEL: 'silent',
        INTERNAL_AUTH_SECRET: stack.secrets.internal,
        USER_URL: stack.services.user.url,
      }),
      { bus: stack.bus, logger: createLogger('post', 'silent') },
    );
    // The breaker half-opens after its reset time, tries post again, and closes.
    await eventually(async () => ((await viewer.request(ME_AND_POST)).errors ? undefined : true), 20_000, 200);

    loading = false;
    await load;
    expect(userAnswers.length).toBeGreaterThan(0);
    expect(userAnswers.every(Boolean)).toBe(true);
  }, 60_000);
});
