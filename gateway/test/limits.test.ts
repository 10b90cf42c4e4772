import { ApolloServer } from '@apollo/server';
import { AccessTokens, createLogger, type RunningService } from '@social/kit';
import { eventually } from '@social/test-kit';
import { guardPlugin, LOGIN_THROTTLED, RATE_LIMITED, RateLimits } from '../src/limits';
import { monitorLoopDelay, OVERLOADED, shouldShed, type LoopDelaySource } from '../src/resilience/load-shedding';
import { parseGatewayConfig } from '../src/config';
import { codeOf, post, startStubSubgraph, startTestGateway, type GraphQLResponse, type StubSubgraph } from './public-stub';

const ACCESS_TOKEN_SECRET = 't'.repeat(40);
const USER = '{ user(id: "1") { id } }';

function expectRefused(r: GraphQLResponse, code: string, status: number) {
  expect(r.status).toBe(status);
  expect(codeOf(r)).toBe(code);
  const retryAfter = Number(r.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(r.body.errors?.[0]?.extensions?.['retryAfterSeconds']).toBe(retryAfter);
  expect(r.body.data ?? null).toBeNull();
}

describe('rate limits (memory counters)', () => {
  let stub: StubSubgraph;
  const gateways: RunningService[] = [];
  const start = async (env: Record<string, string>) => {
    const g = await startTestGateway(stub, { ACCESS_TOKEN_SECRET, ...env });
    gateways.push(g);
    return g;
  };
  beforeAll(async () => void (stub = await startStubSubgraph()));
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await stub.stop();
  });

  it('gives each signed-in viewer a budget, refused with RATE_LIMITED and Retry-After before any subgraph call', async () => {
    const gateway = await start({ RATE_LIMIT_PER_USER: '3', RATE_LIMIT_PER_IP: '100' });
    const tokens = new AccessTokens(ACCESS_TOKEN_SECRET);
    const alice = { authorization: `Bearer ${(await tokens.sign('alice')).token}` };
    const bob = { authorization: `Bearer ${(await tokens.sign('bob')).token}` };
    for (let i = 0; i < 3; i++) expect((await post(gateway.url, { query: USER }, alice)).body.data).toEqual({ user: { id: '1' } });
    const calls = stub.calls.length;
    expectRefused(await post(gateway.url, { query: USER }, alice), RATE_LIMITED, 429);
    expect(stub.calls.length).toBe(calls);
    // Another viewer behind the same address has a budget of their own.
    expect((await post(gateway.url, { query: USER }, bob)).body.data).toEqual({ user: { id: '1' } });
  });

  it('gives each client address a budget (signed out or not)', async () => {
    const gateway = await start({ RATE_LIMIT_PER_IP: '3' });
    for (let i = 0; i < 3; i++) expect((await post(gateway.url, { query: USER })).status).toBe(200);
    const calls = stub.calls.length;
    expectRefused(await post(gateway.url, { query: USER }), RATE_LIMITED, 429);
    expect(stub.calls.length).toBe(calls);
  });

  it('reads the client address from X-Forwarded-For only behind trusted proxies', async () => {
    const gateway = await start({ RATE_LIMIT_PER_IP: '1', TRUST_PROXY_HOPS: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await post(gateway.url, { query: USER }, from('203.0.113.1'))).status).toBe(200);
    expect((await post(gateway.url, { query: USER }, from('203.0.113.2'))).status).toBe(200);
    expect(codeOf(await post(gateway.url, { query: USER }, from('203.0.113.1')))).toBe(RATE_LIMITED);
    // Without trusted proxies the header is the client's own word: ignored, the socket address counts.
    const direct = await start({ RATE_LIMIT_PER_IP: '1' });
    expect((await post(direct.url, { query: USER }, from('203.0.113.3'))).status).toBe(200);
    expect(codeOf(await post(direct.url, { query: USER }, from('203.0.113.4')))).toBe(RATE_LIMITED);
  });

  it('counts every login field, aliases included, per account and per address', async () => {
    const gateway = await start({ LOGIN_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_ATTEMPTS_PER_IP: '5' });
    const logins = (...names: string[]) => `mutation { ${names.map((n, i) => `a${i}: login(name: "${n}")`).join(' ')} }`;
    expect((await post(gateway.url, { query: logins('alice', 'Alice') })).body.data).toEqual({
      a0: 'token-for-alice',
      a1: 'token-for-Alice',
    });
    const calls = stub.calls.length;
    // Two more on alice (the account's 3rd and 4th): the whole request is refused, nothing runs.
    expectRefused(await post(gateway.url, { query: logins('ALICE', 'alice') }), LOGIN_THROTTLED, 429);
    expect(stub.calls.length).toBe(calls);
    // Other accounts from the same address: 5 attempts per address in all (the refused two counted too).
    const byVariable = { query: 'mutation L($n: String!) { login(name: $n) }', variables: { n: 'bob' } };
    expect((await post(gateway.url, byVariable)).body.data).toEqual({ login: 'token-for-bob' });
    expectRefused(await post(gateway.url, { ...byVariable, variables: { n: 'carol' } }), LOGIN_THROTTLED, 429);
  });

  it('refuses a body over MAX_BODY_BYTES with 413, before any subgraph call', async () => {
    const gateway = await start({ MAX_BODY_BYTES: '2000' });
    const calls = stub.calls.length;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: USER, variables: { pad: 'x'.repeat(3000) } }),
    });
    expect(res.status).toBe(413);
    expect(stub.calls.length).toBe(calls);
  });

  it('keeps CSRF prevention on: a simple GET is refused, the same GET with a preflight header is answered', async () => {
    const gateway = await start({});
    const url = `${gateway.url}?query=${encodeURIComponent(USER)}`;
    const calls = stub.calls.length;
    expect((await fetch(url)).status).toBe(400);
    expect(stub.calls.length).toBe(calls);
    const ok = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await ok.json()).toEqual({ data: { user: { id: '1' } } });
  });
});

describe('load shedding', () => {
  const typeDefs = 'type Query { a: Int } type Mutation { b: Int }';
  const resolvers = { Query: { a: () => 1 }, Mutation: { b: () => 2 } };
  const config = parseGatewayConfig({ ACCESS_TOKEN_SECRET, LOG_LEVEL: 'silent' });

  async function serverAtDelay(delayMs: number) {
    const loopDelay: LoopDelaySource = { delayMs: () => delayMs, stop: () => undefined };
    const rateLimits = new RateLimits(config, null, createLogger('test', 'silent'));
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [guardPlugin({ rateLimits, loopDelay, shedThresholdMs: 100 })] });
    await server.start();
    return server;
  }
  const run = async (server: ApolloServer, query: string) => {
    const res = await server.executeOperation({ query });
    return {
      status: res.http.status,
      retryAfter: res.http.headers.get('retry-after'),
      body: res.body.kind === 'single' ? res.body.singleResult : null,
    };
  };

  it('sheds queries first, then mutations, with 503 OVERLOADED and Retry-After', async () => {
    const behind = await serverAtDelay(150);
    const shed = await run(behind, '{ a }');
    expect(shed.status).toBe(503);
    expect(shed.retryAfter).toBe('2');
    expect(shed.body?.errors?.[0]?.extensions?.['code']).toBe(OVERLOADED);
    expect((await run(behind, 'mutation { b }')).body?.data).toEqual({ b: 2 });

    const farBehind = await serverAtDelay(250);
    expect((await run(farBehind, 'mutation { b }')).status).toBe(503);
    const onTime = await serverAtDelay(20);
    expect((await run(onTime, '{ a }')).body?.data).toEqual({ a: 1 });
    await Promise.all([behind.stop(), farBehind.stop(), onTime.stop()]);
  });

  it('never sheds when turned off', () => {
    expect(shouldShed('query' as never, 10_000, 0)).toBe(false);
  });

  it('measures how far behind the event loop is', async () => {
    const monitor = monitorLoopDelay();
    try {
      // Hold the loop 60 ms at a time, the way a stream of synchronous work would, until it shows.
      await eventually(async () => {
        const until = Date.now() + 60;
        while (Date.now() < until);
        return monitor.delayMs() >= 40 ? true : undefined;
      });
    } finally {
      monitor.stop();
    }
  });
});
