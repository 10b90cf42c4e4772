import type { RunningService } from '@social/kit';
import { MemoryApiKeyStore } from '../src/public/api-keys';
import { MAX_NODES, OPERATION_TOO_LARGE, RATE_LIMITED } from '../src/public/endpoint';
import { codeOf, post, publicUrl, startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

const USER = 'query U($id: ID!) { user(id: $id) { id handle } }';
/** Two connections read once each: 2 points, 10 nodes. */
const TWO_POINTS =
  '{ a: user(id: "1") { posts(first: 5) { edges { node { id } } } } b: user(id: "2") { posts(first: 5) { edges { node { id } } } } }';

describe('public endpoint (memory)', () => {
  let stub: StubSubgraph;
  let gateway: RunningService;
  let url: string;
  const keys = new MemoryApiKeyStore();

  beforeAll(async () => {
    stub = await startStubSubgraph();
    gateway = await startTestGateway(stub, {}, keys);
    url = publicUrl(gateway);
  });
  afterAll(async () => {
    await gateway.stop();
    await stub.stop();
  });

  describe('API keys', () => {
    it('refuses a request without a key, with a wrong key and with a revoked key', async () => {
      const { key, record } = await keys.issue('revoked soon');
      await keys.revoke(record.id);
      const attempts: Record<string, string>[] = [{}, { 'x-api-key': 'sk_live_nope' }, { 'x-api-key': key }];
      for (const headers of attempts) {
        const r = await post(url, { query: USER, variables: { id: '1' } }, headers);
        expect(r.status).toBe(401);
        expect(codeOf(r)).toBe('UNAUTHENTICATED');
      }
      expect(stub.calls).toEqual([]);
    });

    it('accepts the key in x-api-key or as a Bearer token', async () => {
      const { key } = await keys.issue('acme');
      const ways: Record<string, string>[] = [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }];
      for (const headers of ways) {
        const r = await post(url, { query: USER, variables: { id: '1' } }, headers);
        expect(r.body.data).toEqual({ user: { id: '1', handle: 'h1' } });
      }
    });
  });

  describe('the public schema only', () => {
    let key: string;
    beforeAll(async () => void ({ key } = await keys.issue('schema tests')));

    it.each([
      ['an untagged root field', '{ secret }'],
      ['an untagged field of a public type', '{ user(id: "1") { email } }'],
      ['a mutation (the public schema has none)', 'mutation { login(name: "x") }'],
      ['a subscription', 'subscription { login }'],
      ['a misspelt public field (no "Did you mean handle?")', '{ user(id: "1") { handel } }'],
    ])('refuses %s as invalid, without suggesting field names and without calling a subgraph', async (_what, query) => {
      const calls = stub.calls.length;
      const r = await post(url, { query }, { 'x-api-key': key });
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
      expect(stub.calls.length).toBe(calls);
    });

    it('the same operations still work on the main endpoint', async () => {
      const r = await post(gateway.url, { query: '{ secret }' });
      expect(r.body.data).toEqual({ secret: 'classified' });
    });

    it('introspects the public schema, not the whole API', async () => {
      const r = await post(
        url,
        { query: '{ __schema { mutationType { name } types { name } queryType { fields { name } } } }' },
        { 'x-api-key': key },
      );
      const schema = r.body.data?.['__schema'] as {
        mutationType: unknown;
        types: { name: string }[];
        queryType: { fields: { name: string }[] };
      };
      expect(schema.mutationType).toBeNull();
      expect(schema.queryType.fields.map((f) => f.name)).toEqual(['user']);
      expect(schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(['User', 'Post', 'PostConnection']));
      const user = await post(url, { query: '{ __type(name: "User") { fields { name } } }' }, { 'x-api-key': key });
      expect(user.body.data).toEqual({ __type: { fields: [{ name: 'id' }, { name: 'handle' }, { name: 'posts' }] } });
    });

    it('refuses introspection mixed with data (the gateway would answer it from the whole schema)', async () => {
      const r = await post(url, { query: '{ user(id: "1") { id } __schema { types { name } } }' }, { 'x-api-key': key });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    });
  });

  describe('cost and budget', () => {
    it('reports the cost and the remaining budget in extensions and GitHub-style headers', async () => {
      const { key } = await keys.issue('reporting', 100);
      const r = await post(url, { query: TWO_POINTS }, { 'x-api-key': key });
      expect(r.body.extensions?.['cost']).toEqual({ requested: 2, nodes: 10, limit: 100, remaining: 98, resetAt: expect.any(Number) });
      expect(r.headers.get('x-ratelimit-limit')).toBe('100');
      expect(r.headers.get('x-ratelimit-remaining')).toBe('98');
      expect(r.headers.get('x-ratelimit-used')).toBe('2');
      const reset = Number(r.headers.get('x-ratelimit-reset'));
      expect(reset * 1000).toBeGreaterThan(Date.now());
      expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 3_600_000);
    });

    it('refuses an operation the budget cannot pay for, with RATE_LIMITED, 429 and Retry-After, before any subgraph is called', async () => {
      const { key } = await keys.issue('small', 3);
      expect((await post(url, { query: TWO_POINTS }, { 'x-api-key': key })).body.data).toBeTruthy();
      const calls = stub.calls.length;
      const r = await post(url, { query: TWO_POINTS }, { 'x-api-key': key });
      expect(r.status).toBe(429);
      expect(codeOf(r)).toBe(RATE_LIMITED);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(r.body.data).toBeUndefined();
      expect(stub.calls.length).toBe(calls);
      // What is left still pays for a cheaper operation.
      expect((await post(url, { query: USER, variables: { id: '1' } }, { 'x-api-key': key })).body.data).toBeTruthy();
      // Third parties' refusals are told apart from the main endpoint's at /metrics.
      const errors = (await gateway.metrics.getSingleMetric('graphql_errors_total')!.get()).values;
      expect(errors.find((v) => v.labels['endpoint'] === 'public' && v.labels['code'] === RATE_LIMITED)?.value).toBeGreaterThanOrEqual(1);
      expect(errors.find((v) => v.labels['endpoint'] === 'graphql' && v.labels['code'] === RATE_LIMITED)).toBeUndefined();
    });

    it(`refuses an operation that could return more than ${MAX_NODES} nodes, without charging it`, async () => {
      const { key } = await keys.issue('greedy', 1_000);
      const r = await post(
        url,
        { query: '{ user(id: "1") { posts(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } }' },
        { 'x-api-key': key },
      );
      expect(codeOf(r)).toBe(OPERATION_TOO_LARGE);
      const next = await post(url, { query: USER, variables: { id: '1' } }, { 'x-api-key': key });
      expect(next.headers.get('x-ratelimit-remaining')).toBe('999');
    });
  });
});
