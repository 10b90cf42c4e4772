import { Redis } from 'ioredis';
import type { RunningService } from '@social/kit';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { sha256Hex } from '../src/persisted-queries/manifest';
import { codeOf, post, startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

/** Two gateway instances on one Redis: a query registered through one is known to the other. */
describe('APQ cache shared on Redis', () => {
  const { redisUrl } = realServers();
  const prefix = `${uniqueName('apq')}:`;
  let stub: StubSubgraph;
  let a: RunningService;
  let b: RunningService;
  const redis = new Redis(redisUrl);

  beforeAll(async () => {
    stub = await startStubSubgraph();
    const env = { REDIS_URL: redisUrl, EDGE_KEY_PREFIX: prefix, APQ_TTL_SECONDS: '120' };
    [a, b] = await Promise.all([startTestGateway(stub, env), startTestGateway(stub, env)]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await stub.stop();
    await redis.quit();
  });

  it('serves by hash on instance B a query registered on instance A, and stores it with its TTL', async () => {
    const query = `query Shared { user(id: "${uniqueName('u')}") { handle } }`;
    const hash = sha256Hex(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    expect(codeOf(await post(b.url, { extensions }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(a.url, { query, extensions })).body.data).toBeTruthy();
    const key = `${prefix}apq:${hash}`;
    const stored = await eventually(async () => (await redis.get(key)) ?? undefined);
    expect(stored).toBe(query);
    expect(await redis.ttl(key)).toBeGreaterThan(100);
    expect((await post(b.url, { extensions })).body.data).toBeTruthy();
  });
});
