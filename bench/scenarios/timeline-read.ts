import { MongoClient, type Collection, type Document } from 'mongodb';
import { AccessTokens } from '@social/kit';
import type { Scale } from '../harness/args';
import { facetedBarSpec } from '../harness/chart';
import { roundRobin } from '../harness/http-load';
import type { Measurement } from '../harness/report';
import { seededRandom, weightedSample } from '../harness/sampling';
import { measure, medianRound, prefixFor, type Scenario, type ScenarioContext } from '../harness/scenario';
import { UNLIMITED_GATEWAY } from '../harness/config';
import { DatasetReader, type Reader } from '../harness/stores';
import { startGateway, newSecrets, startStackHost, type RunningGateway, type RunningStack } from '../harness/targets';
import { generate, type Dataset } from '../dataset/generate';
import { readManifest } from '../dataset/namespace';
import { parseScale } from '../dataset/scale';
import { loadTimelines, timelineKeyPrefix, timelinesMarker, type PushMode, type TimelinesTarget } from '../dataset/timelines';
import { firstPages, HOME_TIMELINE, PAGE_SIZE, TOKEN_TTL_SECONDS, type FirstPage } from './timeline-pull';

/** The strategies compared, TIMELINE_STRATEGY's values; pull is the baseline. */
const STRATEGIES = ['hybrid', 'push-only', 'pull'] as const;
type Strategy = (typeof STRATEGIES)[number];
const PAGES = ['page 1', 'page 2'] as const;

interface Target {
  strategy: Strategy;
  stack: RunningStack;
  gateway: RunningGateway;
  pages: Map<string, FirstPage>;
  answered: boolean;
}

/**
 * Loads the Redis timelines the push strategies read unless the same dataset's are there already; the
 * dataset is regenerated at most once for all of them.
 */
async function ensureTimelines(ctx: ScenarioContext, prefix: string, modes: PushMode[]): Promise<void> {
  const servers = ctx.servers!;
  const manifest = await readManifest(servers.mongodbUri, prefix);
  if (!manifest) throw new Error(`no dataset under prefix ${prefix}: npm run dataset:load -w @social/bench -- --prefix ${prefix}`);
  let data: Dataset | undefined;
  for (const mode of modes) {
    const keyPrefix = timelineKeyPrefix(prefix, mode);
    const marker = await timelinesMarker(servers.redisUrl, keyPrefix);
    if (marker && marker.seed === manifest.seed && marker.now === manifest.now && marker.vipThreshold === manifest.vipThreshold) {
      ctx.log(`${mode} timelines already in Redis under ${keyPrefix} (${marker.readers} readers, ${marker.entries} entries)`);
      continue;
    }
    ctx.log(`writing ${mode} timelines into Redis under ${keyPrefix} (Redis is not persistent: once per server start)`);
    data ??= generate({ scale: parseScale(manifest.scale), seed: manifest.seed, now: manifest.now });
    await writeTimelines(ctx, data, { redisUrl: servers.redisUrl, keyPrefix, mode, vipThreshold: manifest.vipThreshold });
  }
}

async function writeTimelines(ctx: ScenarioContext, data: Dataset, target: TimelinesTarget): Promise<void> {
  const { mode } = target;
  const report = await loadTimelines(data, target, { log: ctx.log });
  const seconds = report.phases.reduce((s, p) => s + p.ms, 0) / 1000;
  ctx.run.notes.push(
    `${mode} timelines written for the run (dataset:timelines): ${report.readers} readers, ${report.entries.toLocaleString('en')} entries, ` +
      `${report.vips} VIPs, in ${seconds.toFixed(0)} s; Redis then used ${report.usedMemory}.`,
  );
}

/**
 * Times single-document reads by `_id` on the MongoDB-wire server, the cheapest read a page needs (20
 * posts and their authors): when they cost seconds, the documents must come from memory for the
 * strategies to be what is measured.
 */
async function probeDocumentStore(ctx: ScenarioContext, prefix: string): Promise<void> {
  const client = await new MongoClient(ctx.servers!.mongodbUri, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    const server = await client.db('admin').command({ buildInfo: 1 });
    const kind =
      typeof server['ferretdbVersion'] === 'string'
        ? `FerretDB ${String(server['ferretdbVersion'])}`
        : `MongoDB ${String(server['version'])}`;
    const timed = async (collection: Collection<Document>) => {
      const newest = await collection
        .find({}, { projection: { _id: 1 } })
        .sort({ _id: -1 })
        .limit(1)
        .toArray();
      const started = process.hrtime.bigint();
      await collection.findOne({ _id: newest[0]!['_id'] });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const postMs = await timed(client.db(`${prefix}_post`).collection('posts'));
    const userMs = await timed(client.db(`${prefix}_user`).collection('users'));
    ctx.run.notes.push(
      `Document store: ${kind}. One post read by _id took ${postMs.toFixed(0)} ms and one user ${userMs.toFixed(0)} ms on it, alone; ` +
        'a page needs 20 of each, so the subgraphs here hold the same users and posts in their memory stores (regenerated from the ' +
        "dataset's manifest: same ids and times), while social-graph reads Neo4j and the feed reads Redis, both real.",
    );
    ctx.log(`document store ${kind}: post by _id ${postMs.toFixed(0)} ms, user by _id ${userMs.toFixed(0)} ms`);
  } finally {
    await client.close();
  }
}

async function startTarget(
  ctx: ScenarioContext,
  strategy: Strategy,
  prefix: string,
  secrets: ReturnType<typeof newSecrets>,
): Promise<Omit<Target, 'pages' | 'answered'>> {
  const feedEnv: Record<string, string> = { TIMELINE_STRATEGY: strategy };
  if (strategy === 'push-only') feedEnv['REDIS_KEY_PREFIX'] = timelineKeyPrefix(prefix, 'push-only');
  ctx.log(`${strategy}: starting the subgraphs on the real servers (dataset ${prefix}) and our gateway`);
  const stack = await startStackHost({ real: { ...ctx.servers!, isolation: prefix }, secrets, feedEnv, memoryDocuments: true });
  try {
    // Rate limits off: the load comes from a few hundred sampled readers on one address (edge-cost measures the limits).
    const gateway = await startGateway('ours', stack, { workers: ctx.args.workers, probe: '{ __typename }', env: UNLIMITED_GATEWAY });
    return { strategy, stack, gateway };
  } catch (err) {
    await stack.handle.stop();
    throw err;
  }
}

async function runScale(ctx: ScenarioContext, scale: Scale, perKey: Map<string, Measurement[]>): Promise<void> {
  const { args } = ctx;
  const prefix = prefixFor(args, scale);
  const reader = await DatasetReader.open(ctx.servers!, prefix);
  let readers: Reader[];
  try {
    const counts = await reader.counts();
    if (counts.users === 0) throw new Error(`no dataset under prefix ${prefix}: npm run dataset:load -w @social/bench -- --scale ${scale}`);
    readers = await reader.readers();
    ctx.environment.dataset.push(await reader.environmentEntry(scale, counts, readers));
  } finally {
    await reader.close();
  }
  await probeDocumentStore(ctx, prefix);
  await ensureTimelines(ctx, prefix, ['hybrid', 'push-only']);

  const secrets = newSecrets();
  const sample = weightedSample(readers, (r) => r.following, args.sample, seededRandom(args.seed)).map((r) => r.id);
  const distinct = [...new Set(sample)];
  const accessTokens = new AccessTokens(secrets.accessToken);
  const tokens = new Map<string, string>();
  for (const id of distinct) tokens.set(id, (await accessTokens.sign(id, TOKEN_TTL_SECONDS)).token);

  const targets: Target[] = [];
  const cpu = (t: Target) => ({ subgraphs: t.stack.handle.pid, gateway: t.gateway.handle.pid });
  const requests = (t: Target, page: (typeof PAGES)[number]) => {
    const ids = page === 'page 1' ? sample : sample.filter((id) => t.pages.get(id)?.endCursor);
    if (ids.length === 0) return undefined;
    return roundRobin(
      ids.map((id) => ({
        body: JSON.stringify({
          query: HOME_TIMELINE,
          variables: page === 'page 1' ? { first: PAGE_SIZE } : { first: PAGE_SIZE, after: t.pages.get(id)!.endCursor },
        }),
        headers: { authorization: `Bearer ${tokens.get(id)}` },
      })),
    );
  };
  const prepare = async (strategy: Strategy): Promise<Target> => {
    const started = await startTarget(ctx, strategy, prefix, secrets);
    // firstPages stops after a few failures when none answered: a store that cannot serve it is not hammered.
    const probe = distinct;
    const t0 = Date.now();
    const pages = await firstPages(started.gateway.url, probe, tokens);
    const ok = [...pages.values()].filter((p) => !p.failed);
    const failed = [...pages.values()].filter((p) => p.failed);
    const meanSize = ok.length ? ok.reduce((s, p) => s + p.size, 0) / ok.length : 0;
    ctx.run.notes.push(
      `${scale} / ${strategy}: page 1 read once for ${pages.size} readers in ${((Date.now() - t0) / 1000).toFixed(1)} s before the load: ` +
        `${ok.length} answered (${meanSize.toFixed(1)} posts on average), ${failed.length} failed` +
        `${failed.length ? ` (first: ${failed[0]!.failed})` : ''}.`,
    );
    const target = { ...started, pages, answered: ok.length > 0 };
    targets.push(target);
    return target;
  };
  const measureRounds = async (group: Target[]) => {
    // Rounds interleave the strategies of a group, so a change in the machine's other load touches them alike.
    for (let round = 1; round <= args.rounds; round++) {
      for (const t of group) {
        for (const page of PAGES) {
          const next = requests(t, page);
          if (!next) continue;
          const m = await measure(ctx, {
            label: `${scale} / ${t.strategy} / ${page}${args.rounds > 1 ? ` / round ${round}` : ''}`,
            target: t.strategy,
            workload: `timeline ${page}`,
            dims: { scale, strategy: t.strategy, ...(args.rounds > 1 ? { round } : {}) },
            url: t.gateway.url,
            next,
            cpuGroups: cpu(t),
            allowFailures: t.strategy === 'pull',
          });
          const key = `${scale} / ${t.strategy} / ${page}`;
          perKey.set(key, [...(perKey.get(key) ?? []), m]);
        }
      }
    }
  };
  try {
    // The push strategies first, interleaved; pull last, on its own: when the post store cannot serve it, the
    // probe's abandoned queries keep the store busy for minutes, which must not land inside the others' figures.
    await measureRounds([await prepare('hybrid'), await prepare('push-only')]);
    const pull = await prepare('pull');
    if (pull.answered) {
      await measureRounds([pull]);
      ctx.run.notes.push(`${scale} / pull: its rounds ran after the push strategies' rounds, not between them.`);
    } else ctx.run.notes.push(`${scale} / pull: no page 1 answered, so it was not put under load (no figure, no ratio).`);
  } finally {
    for (const t of targets) {
      await t.gateway.handle.stop();
      await t.stack.handle.stop();
    }
  }
}

export const timelineRead: Scenario = {
  name: 'timeline-read',
  description: [
    'The home timeline through our gateway, three ways on the same dataset: hybrid (the Redis',
    'timeline pushed at write time, merged with the recent posts of the VIPs the reader follows), push-only (the Redis',
    'timeline alone, VIP posts pushed too) and pull (followees from social-graph, then their newest posts from the',
    'post store). First page of 20 posts with author handle and counts, then the second page from the first',
    "page's endCursor; readers drawn in proportion to how many accounts they follow. The push strategies read",
    "timelines written by dataset:timelines with the feed's own store operations (what the fan-out leaves behind).",
    "Neo4j, Redis and NATS are the real servers; users and posts are in the subgraphs' memory stores (see the notes for",
    'why: the MongoDB-wire server here scans for every read).',
  ],
  packages: ['@apollo/gateway', '@apollo/server', 'graphql', 'ioredis', 'mongodb', 'neo4j-driver', 'autocannon'],

  async run(ctx) {
    if (!ctx.servers) throw new Error('timeline-read measures the real servers: run it with --real');
    const perKey = new Map<string, Measurement[]>();
    for (const scale of ctx.args.scales) await runScale(ctx, scale, perKey);

    const rounds = (scale: string, strategy: Strategy, page: string) => perKey.get(`${scale} / ${strategy} / ${page}`);
    for (const scale of ctx.args.scales) {
      for (const page of PAGES) {
        const hybrid = rounds(scale, 'hybrid', page);
        for (const other of ['push-only', 'pull'] as const) {
          const base = rounds(scale, other, page);
          if (!hybrid || !base || base.some((m) => m.ok === 0)) continue;
          ctx.run.ratioOfRounds(`${scale} ${page}: hybrid vs ${other}, throughput`, hybrid, base, 'reqPerSec');
          ctx.run.ratioOfRounds(`${scale} ${page}: hybrid vs ${other}, p99 latency`, hybrid, base, 'p99');
          ctx.run.ratioOfRounds(`${scale} ${page}: hybrid vs ${other}, subgraph CPU per request`, hybrid, base, 'cpu:subgraphs');
        }
      }
    }
    if (ctx.args.rounds > 1)
      ctx.run.notes.push(
        `Each figure was measured in ${ctx.args.rounds} interleaved rounds; a ratio is the median of the per-round ratios.`,
      );
    const chosen = [...perKey.values()].map(medianRound);
    const groupOf = (m: Measurement) => `${String(m.dims?.['scale'] ?? '')} ${m.workload.replace('timeline ', '')}`;
    const charts = [
      {
        name: 'throughput',
        title: 'Timeline reads per second',
        heading: 'reads per second',
        unit: 'requests per second',
        value: (m: Measurement) => Math.round(m.reqPerSec * 10) / 10,
      },
      {
        name: 'latency',
        title: 'Timeline p99 latency',
        heading: 'p99 in ms',
        unit: 'milliseconds',
        value: (m: Measurement) => Math.round(m.latency.p99),
      },
    ];
    for (const chart of charts) {
      ctx.run.charts.push({
        name: chart.name,
        title: `${chart.title} by strategy`,
        spec: facetedBarSpec({
          title: `Home timeline through the gateway: ${chart.heading} at ${ctx.args.connections} connections`,
          valueTitle: chart.unit,
          order: [...STRATEGIES],
          data: chosen.map((m) => ({ group: groupOf(m), series: m.target, value: chart.value(m) })),
        }),
      });
    }
    ctx.settings['gateway workers'] = ctx.args.workers;
    ctx.settings['reads sampled'] = ctx.args.sample;
    ctx.settings['page size'] = PAGE_SIZE;
  },
};
