import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { facetedBarSpec } from '../harness/chart';
import { roundRobin, type LoadRequest } from '../harness/http-load';
import { cpuMeter, freePort, startChild, waitForGraphQL, REPO_ROOT, type ChildHandle } from '../harness/processes';
import type { Measurement } from '../harness/report';
import { cpuPerRequest, measure, prefixFor, type Scenario, type ScenarioContext } from '../harness/scenario';
import { SampleBuffer, summarize } from '../harness/stats';
import { DatasetReader, resolveServers } from '../harness/stores';
import { SUPERGRAPH_PATH, newSecrets, startStackHost, type RunningStack } from '../harness/targets';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One cheap operation (the user subgraph alone), so what the edge adds is as visible as it can be. */
const PROFILE = 'query Profile($id: ID!) { user(id: $id) { id handle displayName bio createdAt } }';
/** The same operation under another name: not in the manifest, so it is served from the APQ cache (Redis). */
const PROFILE_APQ = PROFILE.replace('query Profile', 'query ProfileApq');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SAFELISTED_CLIENT = 'bench-ios';
const HUGE = String(1_000_000_000);
/** Part B's limits (gateway/src/limits) all running, with rate budgets no benchmark reaches. */
const LIMITS_ON = { RATE_LIMIT_PER_USER: HUGE, RATE_LIMIT_PER_IP: HUGE, RATE_LIMIT_PER_API_KEY: HUGE };
/** Rate limits and load shedding off; the static limits (depth, aliases, tokens, cost) cannot be and stay on. */
const LIMITS_OFF = { RATE_LIMIT_PER_USER: '0', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_API_KEY: '0', SHED_EVENT_LOOP_DELAY_MS: '0' };

type Workload =
  | 'post-plain'
  | 'get-persisted-id'
  | 'get-apq'
  | 'post-safelisted'
  | 'public-keyed'
  | 'post-plain, limits off'
  | 'get-persisted-id, limits off';
const BASELINE: Workload = 'post-plain';

interface Request {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  headers: Record<string, string>;
}

async function sampleIds(ctx: ScenarioContext, stack: RunningStack): Promise<string[]> {
  if (ctx.servers) {
    const reader = await DatasetReader.open(ctx.servers, prefixFor(ctx.args, ctx.args.scales[0]!));
    try {
      return await reader.activeAuthors(Math.min(ctx.args.sample, 200));
    } finally {
      await reader.close();
    }
  }
  const res = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ userByHandle(handle: "ada") { id followers(first: 100) { edges { node { id } } } } }' }),
  });
  const u = ((await res.json()) as { data: { userByHandle: { id: string; followers: { edges: { node: { id: string } }[] } } } }).data
    .userByHandle;
  return [u.id, ...u.followers.edges.map((e) => e.node.id)];
}

/** Issues a key with the admin command (scripts/api-keys.ts), as an operator would; it prints the key last. */
async function issueApiKey(redisUrl: string, prefix: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'api-keys.ts'), 'issue', 'edge-cost benchmark', '1000000000'],
    { cwd: REPO_ROOT, env: { ...process.env, REDIS_URL: redisUrl, EDGE_KEY_PREFIX: prefix } },
  );
  const key = stdout.trim().split('\n').pop() ?? '';
  if (!key.startsWith('sk_live_')) throw new Error(`scripts/api-keys.ts did not print a key: ${stdout}`);
  return key;
}

/** Our gateway in its own process, with the edge configured: Redis state, a manifest, a safelisted client. */
async function startEdgeGateway(
  stack: RunningStack,
  workers: number,
  edgeEnv: Record<string, string>,
): Promise<{ url: string; handle: ChildHandle }> {
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH,
    INTERNAL_AUTH_SECRET: stack.secrets.internal,
    ACCESS_TOKEN_SECRET: stack.secrets.accessToken,
    SUBGRAPH_URL_USER: stack.urls.user,
    SUBGRAPH_URL_SOCIAL_GRAPH: stack.urls.socialGraph,
    SUBGRAPH_URL_POST: stack.urls.post,
    SUBGRAPH_URL_FEED: stack.urls.feed,
    GATEWAY_WORKERS: String(workers),
    ...edgeEnv,
  };
  const handle = await startChild('ours', path.join(REPO_ROOT, 'gateway', 'src', 'index.ts'), { env });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForGraphQL(url, '{ __typename }', { child: handle.child });
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return { url, handle };
}

/**
 * The harness's load is POST only; GET (the CDN-cacheable form of a persisted query) is measured here
 * the same way: autocannon, closed loop, the same connections and windows, the same summaries.
 */
async function measureGet(
  ctx: ScenarioContext,
  label: string,
  workload: Workload,
  next: () => Request,
  cpuGroups: Record<string, number>,
): Promise<Measurement> {
  const { args } = ctx;
  ctx.log(`measuring ${label}: ${args.connections} connections, ${args.warmupSeconds} s warm-up + ${args.durationSeconds} s`);
  const once = async (seconds: number, record: boolean) => {
    const samples = new SampleBuffer();
    let failed = false;
    let graphqlErrors = 0;
    let firstError: string | undefined;
    const meter = record ? cpuMeter(cpuGroups) : undefined;
    const first = next();
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: first.url,
          connections: args.connections,
          duration: seconds,
          requests: [
            {
              setupRequest: (req) => {
                const n = next();
                const u = new URL(n.url);
                return { ...req, method: 'GET', path: u.pathname + u.search, headers: n.headers };
              },
              onResponse: (status, body) => {
                failed = status >= 300 || body.includes('"errors":');
                if (failed) {
                  if (status < 300) graphqlErrors++;
                  firstError ??= `${status} ${body.slice(0, 300)}`;
                }
              },
            },
          ],
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      );
      instance.on('response', (_c: unknown, _s: number, _b: number, ms: number) => void (failed || samples.push(ms)));
    });
    const cpu = meter?.stop();
    const ok = Math.max(0, result['2xx'] - graphqlErrors);
    return { result, ok, graphqlErrors, firstError, latency: summarize(samples.values()), cpu };
  };
  if (args.warmupSeconds > 0) await once(args.warmupSeconds, false);
  const r = await once(args.durationSeconds, true);
  if (r.ok === 0) throw new Error(`${label}: no successful response (first error: ${r.firstError})`);
  const m = ctx.run.add({
    label,
    target: 'ours',
    workload,
    connections: args.connections,
    durationSeconds: r.result.duration,
    reqPerSec: r.ok / r.result.duration,
    latency: r.latency,
    ok: r.ok,
    non2xx: r.result.non2xx,
    graphqlErrors: r.graphqlErrors,
    transportErrors: r.result.errors,
    timeouts: r.result.timeouts,
    ...(r.cpu ? { cpu: r.cpu, cpuMsPerRequest: cpuPerRequest(r.cpu, r.result.duration, r.ok) } : {}),
  });
  const errors = m.non2xx + m.graphqlErrors + m.transportErrors + m.timeouts;
  ctx.log(
    `  ${m.reqPerSec.toFixed(1)} req/s, p50 ${m.latency.p50.toFixed(2)} ms, p99 ${m.latency.p99.toFixed(2)} ms${errors ? `, ${errors} ERRORS (first: ${r.firstError})` : ''}`,
  );
  if (errors) ctx.run.notes.push(`${label}: ${errors} of ${errors + m.ok} requests failed; first: ${r.firstError?.slice(0, 240)}`);
  return m;
}

export const edgeCost: Scenario = {
  name: 'edge-cost',
  description: [
    'What the gateway edge costs (issue 9): the same cheap operation (a profile, answered by the user subgraph alone) sent to',
    'our gateway five ways (two of them also on a gateway with its rate limits off), each a figure, with ratios:',
    '',
    '- `post-plain`: POST with the query text (no client name: safelist off). The baseline.',
    '- `get-persisted-id`: GET with only the manifest id in `extensions.persistedQuery` (what a mobile app or a CDN sends).',
    '- `get-apq`: GET with only the hash of a query registered by automatic persisted queries (a Redis read per request).',
    '- `post-safelisted`: POST with the query text from a client in `enforce` mode (the safelist is checked).',
    '- `public-keyed`: POST to /public/graphql with an API key: key lookup, validation against the public schema, cost, and',
    '  the budget charged in Redis (one Lua script).',
    '',
    'Two gateway processes: one with every limit of gateway/src/limits on (rate limits counted in Redis, budgets too large',
    "to refuse the load), one with rate limits and load shedding off (`, limits off`); GraphQL Armor's static limits are",
    'on in both. Edge state (APQ cache, keys, budgets, rate counters) is in Redis, as with several gateway instances.',
  ],
  packages: ['@apollo/gateway', '@apollo/server', 'ioredis', 'graphql', 'autocannon'],

  async run(ctx) {
    const { args, run } = ctx;
    const redisUrl = ctx.servers?.redisUrl ?? resolveServers().redisUrl;
    const prefix = `bench_edge_${randomBytes(4).toString('hex')}:`;
    const redis = new Redis(redisUrl);
    ctx.defer(async () => {
      // Leave nothing behind: every key of this run is under its own prefix.
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    const secrets = newSecrets();
    const scale = args.scales[0]!;
    const stack = await startStackHost({
      ...(ctx.servers ? { real: { ...ctx.servers, isolation: prefixFor(args, scale) } } : {}),
      secrets,
    });
    ctx.defer(() => stack.handle.stop());
    if (!ctx.servers) ctx.environment.dataset.push({ scale: 'demo', note: `embedded demo network: ${JSON.stringify(stack.seeded)}` });
    const ids = await sampleIds(ctx, stack);
    ctx.log(`${ids.length} user ids sampled`);

    const manifestFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'edge-cost-')), 'manifest.json');
    writeFileSync(
      manifestFile,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256(PROFILE), name: 'Profile', type: 'query', body: PROFILE }],
      }),
    );
    const edgeEnv = { REDIS_URL: redisUrl, PERSISTED_QUERY_MANIFEST: manifestFile, SAFELIST_MODES: `${SAFELISTED_CLIENT}=enforce` };
    // Limits on: every check runs (rate limits counted in Redis) but the budgets are too large to refuse the load.
    const gw = await startEdgeGateway(stack, args.workers, { ...edgeEnv, ...LIMITS_ON, EDGE_KEY_PREFIX: `${prefix}on:` });
    ctx.defer(() => gw.handle.stop());
    const bare = await startEdgeGateway(stack, args.workers, { ...edgeEnv, ...LIMITS_OFF, EDGE_KEY_PREFIX: `${prefix}off:` });
    ctx.defer(() => bare.handle.stop());
    const publicUrl = gw.url.replace(/\/graphql$/, '/public/graphql');
    const key = await issueApiKey(redisUrl, `${prefix}on:`);

    // Register the APQ query once (hash + text), as a client's first request would.
    const register = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: PROFILE_APQ,
        variables: { id: ids[0] },
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PROFILE_APQ) } },
      }),
    });
    if (!register.ok) throw new Error(`APQ registration failed: ${register.status} ${await register.text()}`);

    const getUrl = (hash: string, id: string, base = gw.url) => {
      const u = new URL(base);
      u.searchParams.set('variables', JSON.stringify({ id }));
      u.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
      return u.toString();
    };
    const preflight = { 'apollo-require-preflight': 'true' };
    const requests: Record<Workload, (id: string) => Request> = {
      'post-plain': (id) => ({ method: 'POST', url: gw.url, body: JSON.stringify({ query: PROFILE, variables: { id } }), headers: {} }),
      'get-persisted-id': (id) => ({ method: 'GET', url: getUrl(sha256(PROFILE), id), headers: preflight }),
      'get-apq': (id) => ({ method: 'GET', url: getUrl(sha256(PROFILE_APQ), id), headers: preflight }),
      'post-safelisted': (id) => ({
        method: 'POST',
        url: gw.url,
        body: JSON.stringify({ query: PROFILE, variables: { id } }),
        headers: { 'apollographql-client-name': SAFELISTED_CLIENT },
      }),
      'public-keyed': (id) => ({
        method: 'POST',
        url: publicUrl,
        body: JSON.stringify({ query: PROFILE, variables: { id } }),
        headers: { 'x-api-key': key },
      }),
      'post-plain, limits off': (id) => ({
        method: 'POST',
        url: bare.url,
        body: JSON.stringify({ query: PROFILE, variables: { id } }),
        headers: {},
      }),
      'get-persisted-id, limits off': (id) => ({ method: 'GET', url: getUrl(sha256(PROFILE), id, bare.url), headers: preflight }),
    };

    // Every way must give the same data before anything is measured.
    let reference: string | undefined;
    for (const [workload, make] of Object.entries(requests)) {
      const r = make(ids[0]!);
      const res = await fetch(r.url, {
        method: r.method,
        headers: { 'content-type': 'application/json', ...r.headers },
        ...(r.body ? { body: r.body } : {}),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (!res.ok || body.errors || !body.data) throw new Error(`${workload} failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (reference !== undefined && JSON.stringify(body.data) !== reference) throw new Error(`${workload} answered differently`);
      reference = JSON.stringify(body.data);
    }
    ctx.log('every way returns the same data');

    const workloads = (Object.keys(requests) as Workload[]).filter((w) => !args.only || args.only.includes(w) || w === BASELINE);
    const rounds = new Map<Workload, Measurement[]>();
    for (let round = 1; round <= args.rounds; round++) {
      // Each round starts one figure later, so no figure always runs first (or right after the same neighbour).
      const order = workloads.map((_, i) => workloads[(i + round - 1) % workloads.length]!);
      for (const workload of order) {
        const cpuGroups = { gateway: (workload.endsWith('limits off') ? bare : gw).handle.pid, subgraphs: stack.handle.pid };
        const label = `ours / ${workload}${args.rounds > 1 ? ` / round ${round}` : ''}`;
        const all = ids.map((id) => requests[workload](id));
        const next = roundRobin(all);
        const m =
          all[0]!.method === 'GET'
            ? await measureGet(ctx, label, workload, next, cpuGroups)
            : await measure(ctx, {
                label,
                target: 'ours',
                workload,
                url: all[0]!.url,
                next: (): LoadRequest => {
                  const r = next();
                  return { body: r.body!, headers: r.headers };
                },
                cpuGroups,
              });
        rounds.set(workload, [...(rounds.get(workload) ?? []), m]);
      }
    }

    const compare = (numerator: Workload, denominator: Workload) => {
      const n = rounds.get(numerator);
      const d = rounds.get(denominator);
      if (!n || !d) return;
      run.ratioOfRounds(`${numerator} vs ${denominator}, throughput`, n, d, 'reqPerSec');
      run.ratioOfRounds(`${numerator} vs ${denominator}, p50 latency`, n, d, 'p50');
      run.ratioOfRounds(`${numerator} vs ${denominator}, gateway CPU per request`, n, d, 'cpu:gateway');
    };
    // What each edge feature costs over a plain POST, all with limits on...
    for (const workload of ['get-persisted-id', 'get-apq', 'post-safelisted', 'public-keyed'] as const) compare(workload, BASELINE);
    // ...what the limits cost, and the two ends: a persisted GET with limits against a plain POST without.
    compare('post-plain', 'post-plain, limits off');
    compare('get-persisted-id, limits off', 'post-plain, limits off');
    compare('get-persisted-id', 'post-plain, limits off');
    run.notes.push(
      'The machine is shared (2 cores, other engineers running tests): throughput moves with their load from round to round; gateway CPU per request is the steadier figure, and each ratio is the median of per-round ratios.',
    );
    const median = (w: Workload) => {
      const r = [...rounds.get(w)!].sort((a, b) => a.reqPerSec - b.reqPerSec);
      return r[Math.floor(r.length / 2)]!;
    };
    run.charts.push({
      name: 'throughput',
      title: 'Throughput by way of sending',
      spec: facetedBarSpec({
        title: `Edge cost: requests per second at ${args.connections} connections (higher is better)`,
        valueTitle: 'requests per second',
        order: workloads,
        data: workloads.map((w) => ({ group: 'profile', series: w, value: Math.round(median(w).reqPerSec) })),
      }),
    });
    run.charts.push({
      name: 'cpu',
      title: 'Gateway CPU per request',
      spec: facetedBarSpec({
        title: 'Edge cost: gateway CPU milliseconds per request (lower is better)',
        valueTitle: 'CPU ms per request',
        order: workloads,
        data: workloads.map((w) => ({
          group: 'profile',
          series: w,
          value: Number((median(w).cpuMsPerRequest?.['gateway'] ?? 0).toFixed(3)),
        })),
      }),
    });
    ctx.settings['gateway workers'] = args.workers;
    ctx.settings['user ids'] = ids.length;
    ctx.settings['edge state'] = 'Redis';
  },
};
