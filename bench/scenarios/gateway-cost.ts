import { AccessTokens, INTERNAL_AUTH_HEADER, INTERNAL_TOKEN_TTL_SECONDS, InternalSigner } from '@social/kit';
import { facetedBarSpec } from '../harness/chart';
import { roundRobin, type LoadRequest } from '../harness/http-load';
import type { Measurement } from '../harness/report';
import { measure, medianRound, prefixFor, type Scenario, type ScenarioContext } from '../harness/scenario';
import { DatasetReader } from '../harness/stores';
import { startGateway, startStackHost, newSecrets, type GatewayKind, type RunningGateway, type RunningStack } from '../harness/targets';

/** Answerable by the user subgraph alone: the fair baseline of sending it straight to the subgraph. */
export const USER_PROFILE = `query UserProfile($id: ID!) { user(id: $id) { id handle displayName bio createdAt } }`;

/**
 * A user's posts page with author fields: user (root field) -> post (`_entities` for User.posts) ->
 * user (`_entities` for each post's author). Two subgraphs, three fetches, two of them entity fetches.
 */
export const USER_POSTS = `query UserPosts($id: ID!) {
  user(id: $id) {
    id handle displayName
    posts(first: 20) {
      edges { cursor node { id text createdAt author { id handle displayName } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const WORKLOADS = { 'user-profile': USER_PROFILE, 'user-posts': USER_POSTS } as const;
type Workload = keyof typeof WORKLOADS;
type Target = 'direct' | GatewayKind;
const GATEWAYS: GatewayKind[] = ['ours', 'hive', 'apollo-default'];

/** The subgraph's signature for direct requests: signed once, re-signed well before its expiry. */
class DirectToken {
  private token = '';
  private timer?: NodeJS.Timeout;
  constructor(private readonly signer: InternalSigner) {}
  async start(): Promise<void> {
    this.token = await this.signer.sign(null);
    this.timer = setInterval(() => void this.signer.sign(null).then((t) => (this.token = t)), (INTERNAL_TOKEN_TTL_SECONDS / 2) * 1000);
    this.timer.unref();
  }
  get value(): string {
    return this.token;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

async function sampleAuthors(ctx: ScenarioContext, stack: RunningStack): Promise<string[]> {
  const { args } = ctx;
  if (!ctx.servers) {
    // Embedded: the demo network, where everyone follows ada and everyone has posts.
    const res = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ userByHandle(handle: "ada") { id followers(first: 100) { edges { node { id } } } } }` }),
    });
    const body = (await res.json()) as { data: { userByHandle: { id: string; followers: { edges: { node: { id: string } }[] } } } };
    const u = body.data.userByHandle;
    const authors = [u.id, ...u.followers.edges.map((e) => e.node.id)];
    await fillPostsPages(stack, authors);
    return authors;
  }
  const reader = await DatasetReader.open(ctx.servers, prefixFor(args, args.scales[0]!));
  try {
    const counts = await reader.counts();
    const manifest = await reader.manifest();
    ctx.environment.dataset.push({
      scale: args.scales[0]!,
      prefix: prefixFor(args, args.scales[0]!),
      ...counts,
      ...(manifest ? { manifest } : {}),
    });
    if (counts.users === 0)
      throw new Error(`no dataset under prefix ${prefixFor(args, args.scales[0]!)}: load it with npm run dataset:load`);
    const authors = await reader.activeAuthors(Math.min(args.sample, 200));
    if (authors.length === 0) throw new Error('the dataset has no author with 20 or more recent posts');
    return authors;
  } finally {
    await reader.close();
  }
}

const POSTS_PER_PAGE = 20;

/**
 * The demo network has two or three posts per person; the posts page should be a full page, as on the
 * real dataset, so each author gets posts up to 20 (through the API, as themselves).
 */
async function fillPostsPages(stack: RunningStack, authors: string[]): Promise<void> {
  const tokens = new AccessTokens(stack.secrets.accessToken);
  const call = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`seeding posts failed: ${JSON.stringify(body).slice(0, 300)}`);
    return body.data;
  };
  for (const id of authors) {
    const data = await call(`query($id: ID!) { user(id: $id) { posts(first: ${POSTS_PER_PAGE}) { edges { cursor } } } }`, { id });
    const missing = POSTS_PER_PAGE - (data.user.posts.edges as unknown[]).length;
    const { token } = await tokens.sign(id);
    for (let i = 0; i < missing; i++) {
      await call(
        `mutation($text: String!) { createPost(text: $text) { id } }`,
        { text: `Benchmark post ${i + 1} of a full page 📄` },
        token,
      );
    }
  }
}

/** Sends one request per (target, workload) and checks every target returns the very same data. */
async function checkSameAnswers(
  urls: Record<Target, string | undefined>,
  headersFor: (t: Target) => Record<string, string>,
  id: string,
  workloads: Workload[],
) {
  for (const workload of workloads) {
    const query = WORKLOADS[workload];
    let reference: string | undefined;
    for (const [target, url] of Object.entries(urls) as [Target, string | undefined][]) {
      if (!url || (target === 'direct' && workload !== 'user-profile')) continue;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headersFor(target) },
        body: JSON.stringify({ query, variables: { id } }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (!res.ok || body.errors || !body.data)
        throw new Error(`${target} could not answer ${workload}: ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
      const data = JSON.stringify(body.data);
      if (reference !== undefined && data !== reference)
        throw new Error(`${target} answered ${workload} differently from the other targets`);
      reference = data;
    }
  }
}

export const gatewayCost: Scenario = {
  name: 'gateway-cost',
  description: [
    'What the gateway costs: the same GraphQL requests, with the same data, sent (a) straight to the subgraph (only for the',
    'query one subgraph can answer), (b) through our gateway, (c) through @graphql-hive/gateway serving the same',
    'supergraph.graphql, and (d) through @apollo/gateway in its default setup. Closed loop at fixed concurrency; throughput',
    'and latency p50/p99 per target, and ratios between targets of this run only.',
    '',
    '- `user-profile`: `user(id)` with profile fields, answered by the user subgraph alone.',
    '- `user-posts`: a user and their first 20 posts with author fields: user -> post (entity fetch) -> user (entity fetch).',
    '',
    'Every target runs in its own process (with the same number of workers), the subgraphs together in one other process,',
    'the load generator (autocannon) in a third; all on the same machine, so the cpu columns show who was busy.',
  ],
  packages: [
    '@apollo/gateway',
    '@apollo/server',
    '@graphql-hive/gateway',
    '@graphql-hive/gateway-runtime',
    '@graphql-tools/batch-execute',
    '@graphql-tools/delegate',
    'graphql',
    'autocannon',
  ],

  async run(ctx) {
    const { args, run } = ctx;
    const secrets = newSecrets();
    const scale = args.scales[0]!;
    if (args.scales.length > 1) ctx.log(`gateway-cost uses one dataset; measuring scale ${scale} only`);
    ctx.log(
      ctx.servers
        ? `starting the subgraphs on the real servers (dataset ${prefixFor(args, scale)})`
        : 'starting the subgraphs on memory stores (embedded) with the demo network',
    );
    const stack = await startStackHost({
      ...(ctx.servers ? { real: { ...ctx.servers, isolation: prefixFor(args, scale) } } : {}),
      secrets,
    });
    ctx.defer(() => stack.handle.stop());
    if (!ctx.servers) ctx.environment.dataset.push({ scale: 'demo', note: `embedded demo network: ${JSON.stringify(stack.seeded)}` });

    const authors = await sampleAuthors(ctx, stack);
    ctx.log(`${authors.length} authors sampled`);
    const probe = `{ user(id: "${authors[0]}") { id } }`;
    // --only takes target names (direct, ours, hive, apollo-default) and/or workload names.
    const onlyTargets = args.only?.filter((o) => ['direct', ...GATEWAYS].includes(o)) ?? [];
    const onlyWorkloads = args.only?.filter((o) => o in WORKLOADS) ?? [];
    const wanted = (t: Target) => onlyTargets.length === 0 || onlyTargets.includes(t);
    const wantedWorkload = (w: Workload) => onlyWorkloads.length === 0 || onlyWorkloads.includes(w);
    const gateways: Partial<Record<GatewayKind, RunningGateway>> = {};
    for (const kind of GATEWAYS.filter(wanted)) {
      ctx.log(`starting gateway ${kind} (${args.workers} worker${args.workers === 1 ? '' : 's'})`);
      const gw = await startGateway(kind, stack, { workers: args.workers, probe });
      ctx.defer(() => gw.handle.stop());
      gateways[kind] = gw;
    }

    const token = new DirectToken(new InternalSigner(secrets.internal, 'gateway'));
    await token.start();
    ctx.defer(async () => token.stop());
    const headersFor = (t: Target): Record<string, string> => (t === 'direct' ? { [INTERNAL_AUTH_HEADER]: token.value } : {});
    const urls: Record<Target, string | undefined> = {
      direct: wanted('direct') ? stack.urls.user : undefined,
      ours: gateways.ours?.url,
      hive: gateways.hive?.url,
      'apollo-default': gateways['apollo-default']?.url,
    };
    await checkSameAnswers(urls, headersFor, authors[0]!, (Object.keys(WORKLOADS) as Workload[]).filter(wantedWorkload));
    ctx.log('every target returns the same data');

    const plan: { target: Target; workload: Workload }[] = [];
    for (const workload of (Object.keys(WORKLOADS) as Workload[]).filter(wantedWorkload)) {
      for (const target of ['direct', ...GATEWAYS] as Target[]) {
        if (!urls[target] || (target === 'direct' && workload !== 'user-profile')) continue;
        plan.push({ target, workload });
      }
    }
    const rounds = new Map<string, Measurement[]>();
    for (let round = 1; round <= args.rounds; round++) {
      for (const { target, workload } of plan) {
        const bodies = authors.map((id) => JSON.stringify({ query: WORKLOADS[workload], variables: { id } }));
        const nextBody = roundRobin(bodies);
        const next = (): LoadRequest => ({ body: nextBody(), headers: headersFor(target) });
        const gw = target === 'direct' ? undefined : gateways[target];
        const m = await measure(ctx, {
          label: `${target} / ${workload}${args.rounds > 1 ? ` / round ${round}` : ''}`,
          target,
          workload,
          dims: { workers: target === 'direct' ? '-' : args.workers, ...(args.rounds > 1 ? { round } : {}) },
          url: urls[target]!,
          next,
          cpuGroups: { subgraphs: stack.handle.pid, ...(gw ? { gateway: gw.handle.pid } : {}) },
          // On the real servers the store may not keep up (e.g. FerretDB scanning); then the failures are the finding.
          allowFailures: Boolean(ctx.servers),
        });
        const key = `${target} / ${workload}`;
        rounds.set(key, [...(rounds.get(key) ?? []), m]);
      }
    }

    const pick = (target: Target, workload: Workload) => {
      const r = rounds.get(`${target} / ${workload}`);
      return r ? medianRound(r) : undefined;
    };
    const all = (target: Target, workload: Workload) => rounds.get(`${target} / ${workload}`);
    for (const workload of Object.keys(WORKLOADS) as Workload[]) {
      const ours = all('ours', workload);
      for (const peer of ['hive', 'apollo-default'] as const) {
        const other = all(peer, workload);
        if (!ours || !other) continue;
        run.ratioOfRounds(`${workload}: ours vs ${peer}, throughput`, ours, other, 'reqPerSec');
        run.ratioOfRounds(`${workload}: ours vs ${peer}, p50 latency`, ours, other, 'p50');
        run.ratioOfRounds(`${workload}: ours vs ${peer}, p99 latency`, ours, other, 'p99');
        run.ratioOfRounds(`${workload}: ours vs ${peer}, gateway CPU per request`, ours, other, 'cpu:gateway');
      }
      const direct = all('direct', workload);
      if (direct) {
        for (const gw of GATEWAYS) {
          const g = all(gw, workload);
          if (g) run.ratioOfRounds(`${workload}: ${gw} vs straight to the subgraph, throughput`, g, direct, 'reqPerSec');
        }
      }
    }
    if (args.rounds > 1)
      run.notes.push(
        `Each figure was measured in ${args.rounds} interleaved rounds; a ratio is the median of the per-round ratios (numerator and denominator of the same round); the charts show each figure's median round.`,
      );
    run.notes.push(
      'Signing: our gateway and the Hive peer reuse a signed internal token (per viewer, re-signed before expiry); the @apollo/gateway default setup signs one per subgraph fetch, as a first implementation would.',
    );

    const chosen = plan.map((p) => pick(p.target, p.workload)!).filter(Boolean);
    const order = ['direct', ...GATEWAYS];
    run.charts.push({
      name: 'throughput',
      title: 'Throughput by target',
      spec: facetedBarSpec({
        title: `Gateway cost: requests per second at ${args.connections} connections (higher is better)`,
        valueTitle: 'requests per second',
        order,
        data: chosen.map((m) => ({ group: m.workload, series: m.target, value: Math.round(m.reqPerSec) })),
      }),
    });
    run.charts.push({
      name: 'latency',
      title: 'Latency p50 and p99 by target',
      spec: facetedBarSpec({
        title: `Gateway cost: latency in ms at ${args.connections} connections (lower is better)`,
        valueTitle: 'milliseconds',
        order: order.flatMap((t) => [`${t} p50`, `${t} p99`]),
        independentY: true,
        data: chosen.flatMap((m) => [
          { group: m.workload, series: `${m.target} p50`, value: Number(m.latency.p50.toFixed(1)) },
          { group: m.workload, series: `${m.target} p99`, value: Number(m.latency.p99.toFixed(1)) },
        ]),
      }),
    });
    run.charts.push({
      name: 'cpu',
      title: 'Gateway CPU per request',
      spec: facetedBarSpec({
        title: 'Gateway cost: CPU milliseconds per request, gateway process (lower is better)',
        valueTitle: 'CPU ms per request',
        order: GATEWAYS,
        independentY: true,
        data: chosen
          .filter((m) => m.cpuMsPerRequest?.['gateway'] !== undefined)
          .map((m) => ({ group: m.workload, series: m.target, value: Number(m.cpuMsPerRequest!['gateway']!.toFixed(2)) })),
      }),
    });
    ctx.settings['gateway workers'] = args.workers;
    ctx.settings['authors'] = authors.length;
  },
};
