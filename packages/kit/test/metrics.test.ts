import { ApolloServer } from '@apollo/server';
import { BoundedLabel, createLogger, createMetricsRegistry, startHttpService, startOpsServer, type RunningService } from '../src';

/** /metrics on every service: the process's metrics and every GraphQL request, by operation and outcome. */
describe('metrics', () => {
  const logger = createLogger('test', 'silent');
  let service: RunningService;
  const TOKEN = 'scrape-token-0123456789';

  beforeAll(async () => {
    service = await startHttpService({
      name: 'kitsvc',
      host: '127.0.0.1',
      port: 0,
      logger,
      metricsToken: TOKEN,
      apollo: (plugins) =>
        new ApolloServer({
          typeDefs: 'type Query { hello: String, boom: String }',
          resolvers: {
            Query: {
              hello: () => 'hi',
              boom: () => {
                throw new Error('no');
              },
            },
          },
          plugins,
        }),
      context: async () => ({}),
    });
  });
  afterAll(() => service.stop());

  const gql = (query: string, operationName?: string) =>
    fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) });
  const scrape = async (token = TOKEN) => {
    const res = await fetch(service.url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };

  it('counts each request by operation name, type and outcome, and each error by code', async () => {
    await gql('query Hello { hello }');
    await gql('query Hello { hello }');
    await gql('query Both { hello boom }');
    await gql('{ nope }');
    const { status, text } = await scrape();
    expect(status).toBe(200);
    /** The value of one series in the scraped text (labels in any order). */
    const value = (name: string, labels: Record<string, string>) => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const requests = (labels: Record<string, string>) => value('graphql_request_duration_seconds_count', { service: 'kitsvc', ...labels });
    expect(requests({ operation: 'Hello', type: 'query', outcome: 'ok' })).toBe(2);
    expect(requests({ operation: 'Both', type: 'query', outcome: 'partial' })).toBe(1);
    expect(requests({ operation: '(anonymous)', outcome: 'error' })).toBe(1);
    expect(value('graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value('graphql_errors_total', { code: 'INTERNAL_SERVER_ERROR' })).toBe(1);
    expect(value('process_cpu_user_seconds_total', { service: 'kitsvc' })).toBeGreaterThan(0);
  });

  it('answers /metrics only with the token when one is set', async () => {
    expect((await scrape('wrong')).status).toBe(401);
    expect((await fetch(service.url.replace('/graphql', '/metrics'))).status).toBe(401);
  });

  it("keeps a client-chosen label's distinct values bounded", () => {
    const label = new BoundedLabel(2);
    expect([label.of('A', '-'), label.of('B', '-'), label.of('C', '-'), label.of('A', '-')]).toEqual(['A', 'B', '(other)', 'A']);
    expect(label.of(null, '(anonymous)')).toBe('(anonymous)');
    expect(new BoundedLabel(10).of('not a name{}', '-')).toBe('(other)');
  });

  it('serves /health, /ready and /metrics for a process without GraphQL', async () => {
    let ready = true;
    const ops = await startOpsServer({
      name: 'worker',
      host: '127.0.0.1',
      port: 0,
      logger,
      metrics: createMetricsRegistry('worker'),
      readiness: {
        redis: async () => {
          if (!ready) throw new Error('redis down');
        },
      },
    });
    try {
      expect((await fetch(`${ops.url}/health`)).status).toBe(200);
      expect((await fetch(`${ops.url}/ready`)).status).toBe(200);
      ready = false;
      const notReady = await fetch(`${ops.url}/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ checks: { redis: 'redis down' } });
      expect(await (await fetch(`${ops.url}/metrics`)).text()).toContain('process_resident_memory_bytes{service="worker"}');
    } finally {
      await ops.stop();
    }
  });
});
