import { Redis } from 'ioredis';
import type { RunningService } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { RedisApiKeyStore } from '../src/public/api-keys';
import { RedisCostBudget } from '../src/public/budget';
import { RATE_LIMITED } from '../src/public/endpoint';
import { codeOf, post, publicUrl, startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

const QUERY = '{ user(id: "1") { handle } }'; // 1 point

/** Two gateway instances on one Redis share the API keys and each key's budget. */
describe('public endpoint on Redis', () => {
  const { redisUrl } = realServers();
  const prefix = `${uniqueName('pub')}:`;
  const redis = new Redis(redisUrl);
  const keys = new RedisApiKeyStore(redis, prefix); // what scripts/api-keys.ts does
  let stub: StubSubgraph;
  let a: RunningService;
  let b: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    const env = { REDIS_URL: redisUrl, EDGE_KEY_PREFIX: prefix };
    [a, b] = await Promise.all([startTestGateway(stub, env), startTestGateway(stub, env)]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await stub.stop();
    await redis.quit();
  });

  it('spends one budget across both instances and refuses on either once it is spent', async () => {
    const { key } = await keys.issue('shared', 5);
    const headers = { 'x-api-key': key };
    const remaining: string[] = [];
    for (const url of [a, b, a, b, a].map(publicUrl)) {
      const r = await post(url, { query: QUERY }, headers);
      expect(r.body.data).toEqual({ user: { handle: 'h1' } });
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    for (const gateway of [a, b]) {
      const r = await post(publicUrl(gateway), { query: QUERY }, headers);
      expect(r.status).toBe(429);
      expect(codeOf(r)).toBe(RATE_LIMITED);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });

  it('stops accepting a revoked key on every instance', async () => {
    const { key, record } = await keys.issue('revoked');
    expect((await post(publicUrl(b), { query: QUERY }, { 'x-api-key': key })).body.data).toBeTruthy();
    await keys.revoke(record.id);
    for (const gateway of [a, b])
      expect(codeOf(await post(publicUrl(gateway), { query: QUERY }, { 'x-api-key': key }))).toBe('UNAUTHENTICATED');
  });

  it('never overspends under concurrent charges from several clients (the charge is one Lua script)', async () => {
    const other = new Redis(redisUrl);
    try {
      const budgets = [new RedisCostBudget(redis, prefix), new RedisCostBudget(other, prefix)];
      const id = uniqueName('key');
      const charges = await Promise.all(Array.from({ length: 60 }, (_, i) => budgets[i % 2]!.charge(id, 1, 25)));
      expect(charges.filter((c) => c.allowed)).toHaveLength(25);
      expect(Math.min(...charges.map((c) => c.remaining))).toBe(0);
    } finally {
      await other.quit();
    }
  });
});
