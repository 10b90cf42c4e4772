import { AccessTokens } from '@social/kit';
import type { Scale } from '../harness/args';
import { facetedBarSpec } from '../harness/chart';
import type { Measurement } from '../harness/report';
import { seededRandom, weightedSample } from '../harness/sampling';
import { measure, medianRound, prefixFor, type Scenario, type ScenarioContext } from '../harness/scenario';
import { DatasetReader, type Reader } from '../harness/stores';
import { roundRobin } from '../harness/http-load';
import { newSecrets, startGateway, startStackHost, type RunningStack } from '../harness/targets';

/** The home timeline as the app's first screen asks for it: 20 posts with their author's handle and counts. */
export const HOME_TIMELINE = `query HomeTimeline($first: Int!, $after: String) {
  homeTimeline(first: $first, after: $after) {
    edges { cursor node { id text createdAt author { id handle displayName followerCount followingCount } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const PAGE_SIZE = 20;
export const TOKEN_TTL_SECONDS = 4 * 3600; // outlives any run; minted by the harness with the stack's own secret

interface TimelinePage {
  homeTimeline: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

async function demoReaders(stack: RunningStack): Promise<Reader[]> {
  // The demo network: everyone follows ada; ada's followers plus ada are every account.
  const res = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `{ userByHandle(handle: "ada") { id followingCount followers(first: 100) { edges { node { id followingCount } } } } }`,
    }),
  });
  const body = (await res.json()) as {
    data: {
      userByHandle: { id: string; followingCount: number; followers: { edges: { node: { id: string; followingCount: number } }[] } };
    };
  };
  const ada = body.data.userByHandle;
  return [
    { id: ada.id, following: ada.followingCount },
    ...ada.followers.edges.map((e) => ({ id: e.node.id, following: e.node.followingCount })),
  ].filter((r) => r.following > 0);
}

export interface FirstPage {
  size: number;
  endCursor: string | null;
  failed?: string;
}

/**
 * Reads page 1 once per distinct reader to learn the endCursor page 2 starts from. A read that fails is
 * remembered as failed (that reader gets no page 2); when the first reads all fail the store cannot
 * serve this timeline at all, and the rest are not tried (page 2 is then not measured).
 */
export async function firstPages(
  url: string,
  readers: string[],
  tokens: Map<string, string>,
  concurrency = 4,
): Promise<Map<string, FirstPage>> {
  const out = new Map<string, FirstPage>();
  const GIVE_UP_AFTER = 4; // every failed read may leave a long query running in a shared store: stop early
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < readers.length && (ok > 0 || out.size < GIVE_UP_AFTER)) {
      const id = readers[next++]!;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(id)}` },
        body: JSON.stringify({ query: HOME_TIMELINE, variables: { first: PAGE_SIZE } }),
        signal: AbortSignal.timeout(120_000),
      }).catch((err: unknown) => err as Error);
      if (res instanceof Error) {
        out.set(id, { size: 0, endCursor: null, failed: res.message });
        continue;
      }
      const body = (await res.json()) as { data?: TimelinePage; errors?: { message: string }[] };
      if (!res.ok || body.errors || !body.data) {
        out.set(id, { size: 0, endCursor: null, failed: `${res.status} ${body.errors?.[0]?.message ?? ''}` });
        continue;
      }
      ok++;
      const t = body.data.homeTimeline;
      out.set(id, { size: t.edges.length, endCursor: t.pageInfo.hasNextPage ? t.pageInfo.endCursor : null });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

async function runScale(ctx: ScenarioContext, scale: Scale | 'demo', perPage: Map<string, Measurement[]>): Promise<void> {
  const { args } = ctx;
  const secrets = newSecrets();
  const prefix = scale === 'demo' ? undefined : prefixFor(args, scale);
  ctx.log(
    prefix
      ? `scale ${scale}: starting the subgraphs on the real servers (dataset ${prefix})`
      : 'starting the subgraphs on memory stores (embedded) with the demo network',
  );
  // The pull baseline: the stack's feed runs the hybrid strategy unless told otherwise.
  const stack = await startStackHost({
    ...(ctx.servers && prefix ? { real: { ...ctx.servers, isolation: prefix } } : {}),
    secrets,
    feedEnv: { TIMELINE_STRATEGY: 'pull' },
  });
  try {
    let readers: Reader[];
    if (ctx.servers && prefix) {
      const reader = await DatasetReader.open(ctx.servers, prefix);
      try {
        const counts = await reader.counts();
        if (counts.users === 0)
          throw new Error(
            `no dataset under prefix ${prefix}: load it with npm run dataset:load -w @social/bench -- --scale ${scale} --prefix ${prefix}`,
          );
        readers = await reader.readers();
        // The store query behind one pull read, timed alone (it tells the store's cost from the rest).
        const probeReaders = readers.slice(0, scale === 'M' ? 1 : 2);
        for (const r of probeReaders) {
          const probe = await reader.timePullQuery(r.id);
          ctx.run.notes.push(
            `${scale}: the post-store query of one pull read (newest 21 live posts among ${probe.authors} authors, sorted by id), ` +
              `run alone against MongoDB: ${probe.ms.toFixed(0)} ms, ${probe.found} posts.`,
          );
          ctx.log(`store probe: ${probe.authors} authors -> ${probe.ms.toFixed(0)} ms`);
        }
        ctx.environment.dataset.push(await reader.environmentEntry(scale, counts, readers));
      } finally {
        await reader.close();
      }
    } else {
      readers = await demoReaders(stack);
      ctx.environment.dataset.push({ scale: 'demo', note: `embedded demo network: ${JSON.stringify(stack.seeded)}` });
    }
    // Readers weighted by how many accounts they follow: people who follow more open their timeline more.
    const sample = weightedSample(readers, (r) => r.following, args.sample, seededRandom(args.seed)).map((r) => r.id);
    const distinct = [...new Set(sample)];
    const accessTokens = new AccessTokens(secrets.accessToken);
    const tokens = new Map<string, string>();
    for (const id of distinct) tokens.set(id, (await accessTokens.sign(id, TOKEN_TTL_SECONDS)).token);
    const followingOf = new Map(readers.map((r) => [r.id, r.following]));
    const meanFollowing = sample.reduce((s, id) => s + followingOf.get(id)!, 0) / sample.length;

    ctx.log(`starting our gateway (${args.workers} worker${args.workers === 1 ? '' : 's'})`);
    const gw = await startGateway('ours', stack, { workers: args.workers, probe: '{ __typename }' });
    try {
      ctx.log(`reading page 1 once for each of ${distinct.length} distinct readers (for page 2's endCursor)`);
      const started = Date.now();
      const pages = await firstPages(gw.url, distinct, tokens);
      const answered = [...pages.values()].filter((p) => !p.failed);
      const failed = [...pages.values()].filter((p) => p.failed);
      const withNext = sample.filter((id) => pages.get(id)?.endCursor);
      const meanSize = answered.length ? answered.reduce((s, p) => s + p.size, 0) / answered.length : 0;
      ctx.run.notes.push(
        `${scale}: ${sample.length} reads drawn from ${readers.length} readers weighted by accounts followed (${distinct.length} distinct, ` +
          `mean ${meanFollowing.toFixed(1)} followed per read). Preparing page 2: page 1 read once for ${pages.size} readers in ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s, ${answered.length} answered (${meanSize.toFixed(1)} posts on average), ` +
          `${failed.length} failed${failed.length ? ` (first: ${failed[0]!.failed})` : ''}; ${withNext.length} of ${sample.length} reads have a page 2.`,
      );
      if (answered.length === 0) ctx.run.notes.push(`${scale}: no page 1 could be read, so page 2 is not measured.`);
      const page1 = roundRobin(
        sample.map((id) => ({
          body: JSON.stringify({ query: HOME_TIMELINE, variables: { first: PAGE_SIZE } }),
          headers: { authorization: `Bearer ${tokens.get(id)}` },
        })),
      );
      const page2 = withNext.length
        ? roundRobin(
            withNext.map((id) => ({
              body: JSON.stringify({ query: HOME_TIMELINE, variables: { first: PAGE_SIZE, after: pages.get(id)!.endCursor } }),
              headers: { authorization: `Bearer ${tokens.get(id)}` },
            })),
          )
        : undefined;
      const cpuGroups = { subgraphs: stack.handle.pid, gateway: gw.handle.pid };
      for (let round = 1; round <= args.rounds; round++) {
        for (const [page, next] of [
          ['page 1', page1],
          ['page 2', page2],
        ] as const) {
          if (!next) continue;
          const m = await measure(ctx, {
            label: `${scale} / ${page}${args.rounds > 1 ? ` / round ${round}` : ''}`,
            target: 'ours',
            workload: `timeline ${page}`,
            dims: { scale, ...(args.rounds > 1 ? { round } : {}) },
            url: gw.url,
            next,
            cpuGroups,
            // On a store that cannot serve the pull timeline in time, the failures are the finding.
            allowFailures: true,
          });
          const key = `${scale} / ${page}`;
          perPage.set(key, [...(perPage.get(key) ?? []), m]);
        }
      }
    } finally {
      await gw.handle.stop();
    }
  } finally {
    await stack.handle.stop();
  }
}

export const timelinePull: Scenario = {
  name: 'timeline-pull',
  description: [
    'The home timeline as it is built today (pull: at read time the feed asks social-graph for the followees, then post for',
    'their newest posts, then the gateway hydrates posts and authors): the first page of 20 posts with author handle and',
    "follower/following counts, then the second page via the first page's endCursor, through our gateway, for readers",
    'drawn with probability proportional to how many accounts they follow. Closed loop at fixed concurrency; page 1 and',
    'page 2 measured separately (page 2 uses the real endCursor each reader got on page 1). This is the baseline the',
    'hybrid feed must beat.',
  ],
  packages: ['@apollo/gateway', '@apollo/server', 'graphql', 'mongodb', 'neo4j-driver', 'autocannon'],

  async run(ctx) {
    const perPage = new Map<string, Measurement[]>();
    const scales: (Scale | 'demo')[] = ctx.servers ? ctx.args.scales : ['demo'];
    if (!ctx.servers) ctx.log('embedded run: the demo network instead of the S/M datasets (those live on the real servers)');
    for (const scale of scales) await runScale(ctx, scale, perPage);

    const pick = (key: string) => (perPage.get(key) ? medianRound(perPage.get(key)!) : undefined);
    const chosen = [...perPage.keys()].map(pick).filter((m): m is Measurement => Boolean(m));
    for (const scale of scales) {
      const p1 = perPage.get(`${scale} / page 1`);
      const p2 = perPage.get(`${scale} / page 2`);
      if (p1 && p2 && [...p1, ...p2].every((x) => x.ok > 0)) {
        ctx.run.ratioOfRounds(`${scale}: page 2 vs page 1, throughput`, p2, p1, 'reqPerSec');
        ctx.run.ratioOfRounds(`${scale}: page 2 vs page 1, p50 latency`, p2, p1, 'p50');
      }
    }
    if (scales.includes('S') && scales.includes('M')) {
      for (const page of ['page 1', 'page 2']) {
        const s = perPage.get(`S / ${page}`);
        const m = perPage.get(`M / ${page}`);
        if (s && m && [...s, ...m].every((x) => x.ok > 0)) {
          ctx.run.ratioOfRounds(`${page}: M vs S, throughput`, m, s, 'reqPerSec');
          ctx.run.ratioOfRounds(`${page}: M vs S, p50 latency`, m, s, 'p50');
          ctx.run.ratioOfRounds(`${page}: M vs S, p99 latency`, m, s, 'p99');
        }
      }
    }
    if (ctx.args.rounds > 1)
      ctx.run.notes.push(
        `Each figure was measured in ${ctx.args.rounds} interleaved rounds; a ratio is the median of the per-round ratios.`,
      );
    const group = (m: Measurement) => String(m.dims?.['scale'] ?? '');
    ctx.run.charts.push({
      name: 'throughput',
      title: 'Timeline reads per second',
      spec: facetedBarSpec({
        title: `Pull timeline: reads per second at ${ctx.args.connections} connections`,
        valueTitle: 'requests per second',
        order: ['timeline page 1', 'timeline page 2'],
        data: chosen.map((m) => ({ group: `scale ${group(m)}`, series: m.workload, value: Math.round(m.reqPerSec * 10) / 10 })),
      }),
    });
    ctx.run.charts.push({
      name: 'latency',
      title: 'Timeline latency p50 and p99',
      spec: facetedBarSpec({
        title: `Pull timeline: latency in ms at ${ctx.args.connections} connections`,
        valueTitle: 'milliseconds',
        order: ['page 1 p50', 'page 1 p99', 'page 2 p50', 'page 2 p99'],
        independentY: true,
        data: chosen.flatMap((m) => [
          { group: `scale ${group(m)}`, series: `${m.workload.replace('timeline ', '')} p50`, value: Math.round(m.latency.p50) },
          { group: `scale ${group(m)}`, series: `${m.workload.replace('timeline ', '')} p99`, value: Math.round(m.latency.p99) },
        ]),
      }),
    });
    ctx.settings['gateway workers'] = ctx.args.workers;
    ctx.settings['reads sampled'] = ctx.args.sample;
    ctx.settings['page size'] = PAGE_SIZE;
  },
};
