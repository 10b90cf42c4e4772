import path from 'node:path';
import Redis from 'ioredis';
import { INTERNAL_AUTH_HEADER, INTERNAL_TOKEN_TTL_SECONDS, InternalSigner } from '@social/kit';
import { facetedBarSpec } from '../harness/chart';
import { roundRobin, type LoadRequest } from '../harness/http-load';
import { REPO_ROOT, freePort, startChild, waitForGraphQL, type ChildHandle } from '../harness/processes';
import type { Measurement } from '../harness/report';
import { measure, prefixFor, type Scenario, type ScenarioContext } from '../harness/scenario';
import { DatasetReader } from '../harness/stores';
import { newSecrets } from '../harness/targets';

const SOCIAL_GRAPH_ENTRY = path.join(REPO_ROOT, 'subgraphs', 'social-graph', 'src', 'index.ts');
const PRECOMPUTE_CLI = path.join(REPO_ROOT, 'subgraphs', 'social-graph', 'src', 'cli', 'precompute-suggestions.ts');

const SUGGESTIONS = `query { suggestions(first: 20) { edges { node { id } reason { kind count } } pageInfo { hasNextPage endCursor } computedAt } }`;
const MUTUALS = `query($r: [_Any!]!, $other: ID!) { _entities(representations: $r) { ... on User { mutualFollows(other: $other, first: 20) { edges { node { id } } } } } }`;
const FOLLOWED_BY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followedByPeopleYouFollow { totalCount sample { id } } } } }`;
const COUNTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followerCount followingCount isVip } } }`;

/** Signed `x-internal-auth` headers per viewer (as the gateway would send), re-signed before they expire. */
class ViewerTokens {
  private readonly tokens = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly signer: InternalSigner,
    private readonly viewers: string[],
  ) {}
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), (INTERNAL_TOKEN_TTL_SECONDS / 2) * 1000);
    this.timer.unref();
  }
  private async refresh(): Promise<void> {
    for (const id of [null, ...this.viewers]) this.tokens.set(id ?? '', await this.signer.sign(id));
  }
  header(viewerId: string | null): Record<string, string> {
    return { [INTERNAL_AUTH_HEADER]: this.tokens.get(viewerId ?? '')! };
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

interface Instance {
  name: string;
  url: string;
  keyPrefix: string;
  handle: ChildHandle;
}

/** Every `step`-th of the readers in id order: a spread sample, the same for every run of one dataset. */
function spread<T>(items: T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / count));
  return items.filter((_, i) => i % step === 0).slice(0, count);
}

export const socialGraph: Scenario = {
  name: 'social-graph',
  description: [
    'The social graph on Neo4j at a dataset scale (M: 100k users, ~3.5M follows), straight to the social-graph subgraph',
    '(signed as the gateway, one viewer per request, round robin over a spread sample of readers):',
    '',
    '- `suggestions`: the first page (20) of follow suggestions. **on demand**: every request ranks second-degree accounts in',
    '  Neo4j (SUGGESTIONS_MAX_AGE_MS=1, so nothing stored is fresh); **precomputed**: the batch job (`npm run',
    '  suggestions:precompute`, run once before measuring) stored every sampled reader`s ranking in Redis, and a request',
    '  reads it and filters it against the graph (one indexed query).',
    '- `mutuals`: `mutualFollows(other)` between two sampled readers, first 20 (always on demand; no precomputation exists).',
    "- `followed-by`: `followedByPeopleYouFollow` of another sampled reader's profile (on demand).",
    "- `follower counts`: one person's followerCount, followingCount and isVip. **uncached**: CACHE_TTL_MS=0 (every read",
    '  asks Neo4j); **cached**: the Redis relationship cache (warm after the warm-up).',
    '',
    'Two social-graph processes on the same Neo4j and Redis: A (on demand, no cache) and B (precomputed, cache).',
    'Ratios compare figures of this run only.',
  ],
  packages: ['neo4j-driver', 'ioredis', 'autocannon', '@apollo/server'],

  async run(ctx: ScenarioContext) {
    const { args, run } = ctx;
    if (!ctx.servers)
      throw new Error('social-graph measures Neo4j and Redis at a dataset scale: run it with --real after npm run dataset:load');
    const scale = args.scales[0]!;
    const prefix = prefixFor(args, scale);

    const reader = await DatasetReader.open(ctx.servers, prefix);
    let viewers: string[];
    try {
      const counts = await reader.counts();
      ctx.environment.dataset.push({ scale, prefix, ...counts });
      if (counts.follows === 0) throw new Error(`no follows under prefix ${prefix}: load the dataset with npm run dataset:load`);
      const readers = (await reader.readers()).sort((a, b) => (a.id < b.id ? -1 : 1));
      viewers = spread(readers, Math.min(args.sample, 500)).map((r) => r.id);
    } finally {
      await reader.close();
    }
    ctx.log(`${viewers.length} readers sampled from ${prefix}`);

    const secrets = newSecrets();
    const runKey = `bench_sg_${run.id.replace(/[^A-Za-z0-9]/g, '')}`;
    const redis = new Redis(ctx.servers.redisUrl);
    ctx.defer(async () => {
      for (const p of [`${runKey}_a:`, `${runKey}_b:`]) {
        const keys = await redis.keys(`${p}*`);
        for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      }
      redis.disconnect();
    });

    const baseEnv = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      INTERNAL_AUTH_SECRET: secrets.internal,
      NEO4J_URI: ctx.servers.neo4jUri,
      NEO4J_LABEL_PREFIX: prefix,
      REDIS_URL: ctx.servers.redisUrl,
      NATS_URL: '', // nothing is written, so no events; an in-process bus is enough
      POPULAR_REFRESH_MS: '0', // refreshed once, by the batch job below
      SUGGESTIONS_PRECOMPUTE_INTERVAL_MS: '0',
    };
    const tokens = new ViewerTokens(new InternalSigner(secrets.internal, 'gateway'), viewers);
    await tokens.start();
    ctx.defer(async () => tokens.stop());

    const startInstance = async (name: string, keyPrefix: string, env: Record<string, string>): Promise<Instance> => {
      const port = await freePort();
      const handle = await startChild(name, SOCIAL_GRAPH_ENTRY, {
        env: { ...baseEnv, ...env, PORT: String(port), REDIS_KEY_PREFIX: keyPrefix },
      });
      ctx.defer(() => handle.stop());
      const url = `http://127.0.0.1:${port}/graphql`;
      await waitForGraphQL(url, '{ _service { sdl } }', { headers: tokens.header(null), child: handle.child });
      return { name, url, keyPrefix, handle };
    };

    // B: stored rankings (kept a day) and the relationship cache. The batch job fills its rankings first.
    const b = `${runKey}_b:`;
    await redis.zadd(`${b}active`, ...viewers.flatMap((id) => [Date.now(), id]));
    ctx.log(`precomputing suggestions for ${viewers.length} readers (npm run suggestions:precompute)`);
    const started = Date.now();
    const cli = await startChild('suggestions:precompute', PRECOMPUTE_CLI, {
      env: { ...baseEnv, REDIS_KEY_PREFIX: b, SUGGESTIONS_MAX_AGE_MS: String(24 * 3600_000) },
    });
    const exitCode = await new Promise<number | null>((resolve) => {
      if (cli.child.exitCode !== null) resolve(cli.child.exitCode);
      else cli.child.once('exit', (code) => resolve(code));
    });
    const batchMs = Date.now() - started;
    const stored = (await redis.keys(`${b}sugg:*:latest`)).length;
    if (exitCode !== 0 || stored < viewers.length)
      throw new Error(`the batch job failed (exit ${exitCode}, ${stored} of ${viewers.length} rankings stored)`);
    ctx.log(`  batch job: ${stored} rankings stored in ${(batchMs / 1000).toFixed(1)} s`);
    run.notes.push(
      `Batch job (\`npm run suggestions:precompute\`, one process, popular-accounts scan and process start included): ${stored} rankings in ` +
        `${(batchMs / 1000).toFixed(1)} s, ${(batchMs / stored).toFixed(0)} ms per reader on average.`,
    );
    // A computes every ranking on demand but fills with the same popular list (no 18 s scan inside a request).
    const a = `${runKey}_a:`;
    const popular = await redis.get(`${b}popular`);
    if (popular) await redis.set(`${a}popular`, popular);

    const onDemand = await startInstance('social-graph A (on demand, no cache)', a, {
      SUGGESTIONS_MAX_AGE_MS: '1',
      // Measure the ranking itself, never the degraded fallback: no request timeout, no transaction cap
      // (an overloaded Neo4j would otherwise answer some requests with popular accounts, in microseconds).
      SUGGESTIONS_TIMEOUT_MS: '600000',
      NEO4J_TX_TIMEOUT_MS: '600000',
      CACHE_TTL_MS: '0',
    });
    const precomputed = await startInstance('social-graph B (precomputed, cached)', b, {
      SUGGESTIONS_MAX_AGE_MS: String(24 * 3600_000),
      SUGGESTIONS_TIMEOUT_MS: '600000', // a stored ranking read while Neo4j is busy must not count as a fallback either
    });

    const pairs = viewers.map((v, i) => [v, viewers[(i + 1) % viewers.length]!] as const);
    type Workload = { workload: string; target: string; instance: Instance; bodies: { body: string; viewer: string | null }[] };
    const bodiesFor = (query: string, vars: (v: string, other: string) => Record<string, unknown>, signedIn: boolean) =>
      pairs.map(([v, other]) => ({ body: JSON.stringify({ query, variables: vars(v, other) }), viewer: signedIn ? v : null }));
    const rep = (id: string) => [{ __typename: 'User', id }];
    const plan: Workload[] = [
      { workload: 'suggestions', target: 'on demand', instance: onDemand, bodies: bodiesFor(SUGGESTIONS, () => ({}), true) },
      { workload: 'suggestions', target: 'precomputed', instance: precomputed, bodies: bodiesFor(SUGGESTIONS, () => ({}), true) },
      {
        workload: 'mutuals',
        target: 'on demand',
        instance: precomputed,
        bodies: bodiesFor(MUTUALS, (v, o) => ({ r: rep(v), other: o }), false),
      },
      {
        workload: 'followed-by',
        target: 'on demand',
        instance: precomputed,
        bodies: bodiesFor(FOLLOWED_BY, (_v, o) => ({ r: rep(o) }), true),
      },
      { workload: 'follower counts', target: 'uncached', instance: onDemand, bodies: bodiesFor(COUNTS, (v) => ({ r: rep(v) }), false) },
      { workload: 'follower counts', target: 'cached', instance: precomputed, bodies: bodiesFor(COUNTS, (v) => ({ r: rep(v) }), false) },
    ];

    const figures = new Map<string, Measurement>();
    for (const w of plan) {
      const next = roundRobin(w.bodies);
      const m = await measure(ctx, {
        label: `${w.workload} / ${w.target}`,
        target: w.target,
        workload: w.workload,
        dims: { scale },
        url: w.instance.url,
        next: (): LoadRequest => {
          const { body, viewer } = next();
          return { body, headers: tokens.header(viewer) };
        },
        cpuGroups: { 'social-graph': w.instance.handle.pid },
      });
      figures.set(m.label, m);
      // The load generator stops waiting, Neo4j does not: let the abandoned queries finish before the
      // next figure (one request queued behind them answers when they have).
      const { body, viewer } = w.bodies[0]!;
      await fetch(w.instance.url, { method: 'POST', headers: { 'content-type': 'application/json', ...tokens.header(viewer) }, body });
    }

    const pairsOf: [string, string, string][] = [
      ['suggestions: precomputed vs on demand', 'suggestions / precomputed', 'suggestions / on demand'],
      ['follower counts: cached vs uncached', 'follower counts / cached', 'follower counts / uncached'],
      ['mutuals vs precomputed suggestions', 'mutuals / on demand', 'suggestions / precomputed'],
    ];
    for (const [name, num, den] of pairsOf) {
      run.ratio(`${name}, throughput`, num, den, 'reqPerSec');
      run.ratio(`${name}, p50 latency`, num, den, 'p50');
      run.ratio(`${name}, p99 latency`, num, den, 'p99');
    }
    run.notes.push(
      'Neo4j, Redis and the load generator share the machine with the two social-graph processes; the cpu column shows the measured process only.',
      'In service, suggestions slower than SUGGESTIONS_TIMEOUT_MS (1 s by default) or NEO4J_TX_TIMEOUT_MS (5 s) are answered degraded (popular accounts); both instances raise the limits so every figure is the real path, never the fallback (a degraded answer would also log a warning).',
    );
    const chosen = [...figures.values()];
    run.charts.push({
      name: 'latency',
      title: 'Latency p50 and p99',
      spec: facetedBarSpec({
        title: `Social graph at scale ${scale}: latency in ms at ${args.connections} connections (lower is better)`,
        valueTitle: 'milliseconds',
        order: [
          'on demand p50',
          'on demand p99',
          'precomputed p50',
          'precomputed p99',
          'uncached p50',
          'uncached p99',
          'cached p50',
          'cached p99',
        ],
        independentY: true,
        data: chosen.flatMap((m) => [
          { group: m.workload, series: `${m.target} p50`, value: Number(m.latency.p50.toFixed(1)) },
          { group: m.workload, series: `${m.target} p99`, value: Number(m.latency.p99.toFixed(1)) },
        ]),
      }),
    });
    ctx.settings['readers sampled'] = viewers.length;
    ctx.settings['dataset prefix'] = prefix;
  },
};
