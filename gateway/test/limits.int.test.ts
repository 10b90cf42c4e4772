import { Redis } from 'ioredis';
import { createLogger, type RunningService } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { LOGIN_THROTTLED, RATE_LIMITED, RateLimits } from '../src/limits';
import { parseGatewayConfig } from '../src/config';
import { codeOf, post, startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

const USER = '{ user(id: "1") { id } }';

describe('rate limits on Redis: one budget across gateway instances', () => {
  let stub: StubSubgraph;
  let first: RunningService;
  let second: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    // Two gateways (separate processes in production) sharing one Redis and one key prefix.
    const env = {
      REDIS_URL: realServers().redisUrl,
      EDGE_KEY_PREFIX: `${uniqueName('gw')}:`,
      RATE_LIMIT_PER_IP: '4',
      LOGIN_ATTEMPTS_PER_ACCOUNT: '3',
    };
    [first, second] = await Promise.all([startTestGateway(stub, env), startTestGateway(stub, env)]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await stub.stop();
  });

  it('spends one per-address budget whichever instance answers', async () => {
    for (const gateway of [first, second, first, second])
      expect((await post(gateway.url, { query: USER })).body.data).toEqual({ user: { id: '1' } });
    const calls = stub.calls.length;
    for (const gateway of [first, second]) {
      const r = await post(gateway.url, { query: USER });
      expect(r.status).toBe(429);
      expect(codeOf(r)).toBe(RATE_LIMITED);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(stub.calls.length).toBe(calls);
  });
});

describe('login throttling on Redis across instances', () => {
  let stub: StubSubgraph;
  let first: RunningService;
  let second: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    const env = { REDIS_URL: realServers().redisUrl, EDGE_KEY_PREFIX: `${uniqueName('gw')}:`, LOGIN_ATTEMPTS_PER_ACCOUNT: '3' };
    [first, second] = await Promise.all([startTestGateway(stub, env), startTestGateway(stub, env)]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await stub.stop();
  });

  it('counts an account’s attempts on every instance, aliases included', async () => {
    const twice = 'mutation { a: login(name: "dave") b: login(name: "dave") }';
    expect((await post(first.url, { query: twice })).body.data).toEqual({ a: 'token-for-dave', b: 'token-for-dave' });
    const calls = stub.calls.length;
    const r = await post(second.url, { query: twice });
    expect(r.status).toBe(429);
    expect(codeOf(r)).toBe(LOGIN_THROTTLED);
    expect(stub.calls.length).toBe(calls);
  });
});

describe('rate limits when Redis cannot be reached', () => {
  it('fall back to each instance’s memory counters instead of refusing or allowing everything', async () => {
    // A port nothing listens on: every Redis command fails at once.
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    const config = parseGatewayConfig({ ACCESS_TOKEN_SECRET: 't'.repeat(40), RATE_LIMIT_PER_IP: '2' });
    const limits = new RateLimits(config, redis, createLogger('test', 'silent'));
    try {
      const subject = { viewerId: null, clientIp: '10.0.0.1' };
      await limits.chargeOperation(subject);
      await limits.chargeOperation(subject);
      await expect(limits.chargeOperation(subject)).rejects.toMatchObject({ extensions: { code: RATE_LIMITED } });
    } finally {
      redis.disconnect();
    }
  });
});
