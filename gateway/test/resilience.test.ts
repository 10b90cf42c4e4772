import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessTokens, type RunningService } from '@social/kit';
import { eventually } from '@social/test-kit';
import { codeOf, post, startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

const USER = '{ user(id: "1") { id } }';

/** Sits between the gateway and the stub subgraph; while `down`, it drops every connection it gets. */
async function startSwitch(target: string) {
  const state = { down: false, seen: 0 };
  const server = http.createServer((req, res) => {
    state.seen++;
    if (state.down) return void req.socket.destroy();
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('circuit breaker per subgraph', () => {
  let stub: StubSubgraph;
  let sw: Awaited<ReturnType<typeof startSwitch>>;
  let gateway: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    sw = await startSwitch(stub.url);
    gateway = await startTestGateway({ ...stub, url: sw.url }, { BREAKER_MIN_REQUESTS: '3', BREAKER_RESET_MS: '1500' });
  });
  afterAll(async () => {
    await gateway.stop();
    await sw.stop();
    await stub.stop();
  });

  it('fails fast with SERVICE_UNAVAILABLE while the subgraph is down, then half-opens and recovers', async () => {
    expect((await post(gateway.url, { query: USER })).body.data).toEqual({ user: { id: '1' } });

    sw.state.down = true;
    const failed = await post(gateway.url, { query: USER });
    expect(codeOf(failed)).toBe('SERVICE_UNAVAILABLE');
    expect(failed.body.errors?.[0]?.extensions?.['subgraph']).toBe('stub');

    // Enough failures open the breaker: requests are refused without reaching the subgraph at all.
    const open = await eventually(async () => {
      const r = await post(gateway.url, { query: USER });
      return /not being called/.test(r.body.errors?.[0]?.message ?? '') ? r : undefined;
    });
    expect(codeOf(open)).toBe('SERVICE_UNAVAILABLE');
    const seen = sw.state.seen;
    expect(codeOf(await post(gateway.url, { query: USER }))).toBe('SERVICE_UNAVAILABLE');
    expect(sw.state.seen).toBe(seen);
    // At /metrics: the breaker is open, fetches failed, then were rejected without a call.
    expect(await metric('gateway_circuit_breaker_open', { subgraph: 'stub' })).toBe(1);
    expect(await metric('gateway_subgraph_fetch_duration_seconds', { subgraph: 'stub', outcome: 'ok' })).toBe(1);
    expect(await metric('gateway_subgraph_fetch_duration_seconds', { subgraph: 'stub', outcome: 'failed' })).toBeGreaterThanOrEqual(2);
    expect(await metric('gateway_subgraph_fetch_duration_seconds', { subgraph: 'stub', outcome: 'rejected' })).toBeGreaterThanOrEqual(1);

    // Back up: after the reset time one trial request goes through and closes the breaker.
    sw.state.down = false;
    await eventually(async () => ((await post(gateway.url, { query: USER })).body.data?.['user'] ? true : undefined));
    for (let i = 0; i < 3; i++) expect((await post(gateway.url, { query: USER })).body.data).toEqual({ user: { id: '1' } });
    expect(await metric('gateway_circuit_breaker_open', { subgraph: 'stub' })).toBe(0);
  });

  /** A gauge's value, or a histogram's observation count, for the series with these labels. */
  async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
    const { type, values } = await gateway.metrics.getSingleMetric(name)!.get();
    const wanted = String(type) === 'histogram' ? `${name}_count` : name;
    return values.find(
      (v) => ((v as { metricName?: string }).metricName ?? name) === wanted && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    )?.value;
  }
});

describe('last good answer for designated fields while their subgraph is down', () => {
  const ACCESS_TOKEN_SECRET = 't'.repeat(40);
  let stub: StubSubgraph;
  let sw: Awaited<ReturnType<typeof startSwitch>>;
  let gateway: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    sw = await startSwitch(stub.url);
    gateway = await startTestGateway({ ...stub, url: sw.url }, { ACCESS_TOKEN_SECRET, FALLBACK_FIELDS: 'stub.user' });
  });
  afterAll(async () => {
    await gateway.stop();
    await sw.stop();
    await stub.stop();
  });

  it('answers a signed-out read it has answered before, and says so; nothing else', async () => {
    const read = { query: 'query U($id: ID!) { user(id: $id) { id handle } }', variables: { id: '7' } };
    const live = await post(gateway.url, read);
    expect(live.body).toEqual({ data: { user: { id: '7', handle: 'h7' } } });

    sw.state.down = true;
    const fallback = await post(gateway.url, read);
    expect(fallback.body.data).toEqual({ user: { id: '7', handle: 'h7' } });
    expect(fallback.body.errors).toBeUndefined();
    expect(fallback.body.extensions?.['degraded']).toEqual([
      { field: 'user', reason: 'subgraph-unavailable', fallback: 'last-good-answer' },
    ]);

    // Never answered before, or asked by a signed-in viewer (whose answer may be theirs alone): no fallback.
    expect(codeOf(await post(gateway.url, { ...read, variables: { id: '8' } }))).toBe('SERVICE_UNAVAILABLE');
    const token = (await new AccessTokens(ACCESS_TOKEN_SECRET).sign('viewer-1')).token;
    expect(codeOf(await post(gateway.url, read, { authorization: `Bearer ${token}` }))).toBe('SERVICE_UNAVAILABLE');
    sw.state.down = false;
  });
});
