import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, cpuSplitOf, freePort, startChild, waitForGraphQL } from '../harness/processes';
import type { ScenarioContext, Scenario } from '../harness/scenario';
import { summarize } from '../harness/stats';
import { newSecrets, profileFlags, startStackHost, SUPERGRAPH_PATH } from '../harness/targets';
import { openLiveSubscribers, wallNow, type LiveClientKind } from '../harness/live-clients';

/** Subscriber counts measured, in order (each step opens this many clients on the one gateway process). */
const STEPS = (process.env['LIVE_BENCH_STEPS'] ?? '1000,10000').split(',').map(Number);
const SEQUENTIAL_LIKES = 20; // one at a time: latency without a backlog
const BURST_LIKES = 20; // all at once: deliveries per second under a burst
const DELIVERY_TIMEOUT_MS = 60_000;
const WARM_UP_ATTEMPTS = 3;
/**
 * Where the N clients run (harness/live-clients.ts). `go` (default): a Go process (bench/live-clients, built on
 * first use; needs the Go toolchain), because on this machine the clients share two cores with the gateway and
 * the clients in Node cost about as much CPU per delivery as the gateway spent sending it. `graphql-ws`: the
 * graphql-ws library in this process, as apps use it. `protocol`: bare protocol clients in this process (tried on
 * 2026-12-06: bursts rose from 58k to 58-70k deliveries/s, but p99 at 10,000 did not move).
 */
const CLIENT: LiveClientKind = (['go', 'graphql-ws', 'protocol'] as const).find((k) => k === process.env['LIVE_BENCH_CLIENT']) ?? 'go';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const LIKED = `subscription($p: ID!) { postLiked(postId: $p) { likeCount likedBy { handle } post { id likeCount } } }`;

/** One of the gateway's live_event_* histograms for postLiked: sum, count and cumulative buckets (le -> count). */
interface StageHistogram {
  sum: number;
  count: number;
  buckets: Map<number, number>;
}
type Stages = { resolve: StageHistogram; delivery: StageHistogram };

async function liveStages(graphqlUrl: string): Promise<Stages> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const stage = (name: string): StageHistogram => {
    const out: StageHistogram = { sum: 0, count: 0, buckets: new Map<number, number>() };
    for (const line of text.split('\n')) {
      if (!line.startsWith(name) || !line.includes('field="postLiked"')) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.startsWith(`${name}_sum`)) out.sum = value;
      else if (line.startsWith(`${name}_count`)) out.count = value;
      else {
        const le = /le="([^"]+)"/.exec(line)?.[1];
        if (le) out.buckets.set(le === '+Inf' ? Infinity : Number(le), value);
      }
    }
    return out;
  };
  return { resolve: stage('live_event_resolve_seconds'), delivery: stage('live_event_delivery_seconds') };
}

/** Mean and worst bucket of each stage between two scrapes, in words for the notes. */
function describeStages(before: Stages, after: Stages): string {
  const one = (b: StageHistogram, a: StageHistogram) => {
    const count = a.count - b.count;
    if (count === 0) return 'nothing recorded';
    const les = [...a.buckets.keys()].sort((x, y) => x - y);
    const worst = les.find((le) => a.buckets.get(le)! - (b.buckets.get(le) ?? 0) >= count) ?? Infinity;
    return `mean ${(((a.sum - b.sum) / count) * 1000).toFixed(0)} ms, all within ${(worst * 1000).toFixed(0)} ms (${count} events)`;
  };
  return (
    `from the event reaching the gateway, resolved in ${one(before.resolve, after.resolve)}; ` +
    `last subscriber's frame written in ${one(before.delivery, after.delivery)}`
  );
}

export const live: Scenario = {
  name: 'live',
  description: [
    'Live subscriptions (issue 7): N graphql-ws clients on ONE gateway process (`gateway/src/index.ts`, GATEWAY_WORKERS=1),',
    'all subscribed to `postLiked` of one post with a selection resolved across subgraphs (`likedBy { handle }` from user,',
    '`post { likeCount }` from post). The subgraphs run in one child process on the real servers (FerretDB, Redis, NATS);',
    'likes are real `likePost` mutations through the gateway; the post subgraph publishes the live event on core NATS after',
    'its outbox write, and the gateway (one NATS subscription for the subject) resolves it once for the group of identical',
    'anonymous subscribers and fans it out.',
    '',
    `- **latency**: ${SEQUENTIAL_LIKES} likes one at a time (each waits for all N deliveries); a sample per (like, client) =`,
    '  receive time at the client - the moment the like mutation was sent. p50/p99 over all samples.',
    `- **burst**: ${BURST_LIKES} likes sent at once by different accounts; deliveries/s = N x likes / (last delivery - first like sent).`,
    '- **memory**: RSS of the gateway process after the N clients connected and subscribed, minus RSS before (after GC noise,',
    '  so a rough figure), divided by N.',
    '',
    'The N clients run on the same machine (settings: `client`; by default one Go process, bench/live-clients), so their own',
    'CPU and delay are part of the figures.',
    "The notes add the gateway's own side from its /metrics histograms (`live_event_resolve_seconds`, `live_event_delivery_seconds`):",
    "per like, the time from the event reaching the gateway to its payload resolved, and to the last subscriber's frame written.",
  ],
  packages: ['graphql-ws', 'ws', '@nats-io/transport-node'],

  async run(ctx: ScenarioContext) {
    if (!ctx.servers) throw new Error('live needs NATS between the post subgraph and the gateway: run it with --real');
    const isolation = `livebench_${ctx.run.id.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
    const secrets = newSecrets();
    const stack = await startStackHost({ real: { ...ctx.servers, isolation }, secrets });
    ctx.defer(() => stack.handle.stop());
    const port = await freePort();
    const gateway = await startChild('gateway', path.join(REPO_ROOT, 'gateway', 'src', 'index.ts'), {
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        SUPERGRAPH_PATH,
        INTERNAL_AUTH_SECRET: secrets.internal,
        ACCESS_TOKEN_SECRET: secrets.accessToken,
        SUBGRAPH_URL_USER: stack.urls.user,
        SUBGRAPH_URL_SOCIAL_GRAPH: stack.urls.socialGraph,
        SUBGRAPH_URL_POST: stack.urls.post,
        SUBGRAPH_URL_FEED: stack.urls.feed,
        NATS_URL: ctx.servers.natsUrl,
        EVENT_SUBJECT_PREFIX: `${isolation}.`,
        LIVE_MAX_CONNECTIONS: '100000',
        RATE_LIMIT_PER_IP: '0',
        RATE_LIMIT_PER_USER: '0',
        // Load shedding (gateway/src/resilience) would refuse the likes while 10,000 sockets connect: this measures delivery.
        SHED_EVENT_LOOP_DELAY_MS: '0',
        GATEWAY_WORKERS: '1',
      },
      ...profileFlags(),
    });
    ctx.defer(() => gateway.stop());
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitForGraphQL(url, '{ __typename }', { child: gateway.child });
    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors[0]!.message);
      return body.data;
    };
    const accounts: string[] = [];
    const register = async (i: number) => {
      const tag = `${isolation.slice(-6)}${i}`;
      const d = await gql(REGISTER, {
        input: { handle: `lb${tag}`.slice(0, 15), email: `lb${tag}@bench.example`, password: 'bench-password-123' },
      });
      return d.register.accessToken as string;
    };
    // One account per like, warm-up attempts included (a burst short of accounts once looked like a lost event).
    const likers = STEPS.length * (WARM_UP_ATTEMPTS + SEQUENTIAL_LIKES + BURST_LIKES) + 1;
    for (let i = 0; i < likers; i++) accounts.push(await register(i));
    ctx.log(`${accounts.length} accounts registered`);
    const author = accounts.pop()!;
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))![1]) * 1024;
    Object.assign(ctx.settings, {
      steps: STEPS.join(','),
      'sequential likes': SEQUENTIAL_LIKES,
      'burst likes': BURST_LIKES,
      workers: 1,
      client: CLIENT,
    });

    for (const n of STEPS) {
      const { createPost } = await gql(`mutation { createPost(text: "live bench") { id } }`, {}, author);
      const postId = createPost.id as string;
      const before = rss();
      const openedAt = performance.now();
      const clients = await openLiveSubscribers({ kind: CLIENT, url: url.replace(/^http/, 'ws'), count: n, concurrency: 100 });
      ctx.defer(() => clients.close());
      await clients.subscribe({ query: LIKED, variables: { p: postId } });
      const like = (token: string) => gql(`mutation($p: ID!) { likePost(postId: $p) { id } }`, { p: postId }, token);
      // Warm-up: the gateway has subscribed once a like reaches every client (plans cached from here on).
      for (let attempt = 0; ; attempt++) {
        await like(accounts.pop()!);
        try {
          await clients.waitFor(n, DELIVERY_TIMEOUT_MS);
          break;
        } catch (err) {
          if (attempt >= WARM_UP_ATTEMPTS - 1) throw err;
        }
      }
      const connectSeconds = (performance.now() - openedAt) / 1000;
      const after = rss();
      ctx.log(
        `${n} clients connected and subscribed in ${connectSeconds.toFixed(1)} s; gateway RSS ${(before / 2 ** 20).toFixed(0)} -> ${(after / 2 ** 20).toFixed(0)} MiB`,
      );

      await clients.reset();
      const stagesBefore = await liveStages(url);
      const cpuBefore = cpuSplitOf(gateway.pid);
      const started = performance.now();
      const sentAt: number[] = []; // wall clock, like the clients' receive times
      const answered: number[] = []; // like mutation answered (ms after sent): the part of the latency before any live work
      for (let i = 0; i < SEQUENTIAL_LIKES; i++) {
        sentAt.push(wallNow());
        await like(accounts.pop()!);
        answered.push(wallNow() - sentAt[i]!);
        await clients.waitFor(n * (i + 1), DELIVERY_TIMEOUT_MS);
      }
      const sequentialSeconds = (performance.now() - started) / 1000;
      const cpuAfter = cpuSplitOf(gateway.pid);
      const sequential = await clients.take();
      // Each client receives the likes in order, one result each: its j-th receive time is like j's.
      const samples: number[] = [];
      const firstDelivered = sentAt.map(() => Infinity);
      for (const times of sequential.perClient)
        times.forEach((at, j) => {
          samples.push(at - sentAt[j]!);
          firstDelivered[j] = Math.min(firstDelivered[j]!, at - sentAt[j]!);
        });
      const latency = summarize(samples);
      const mutation = summarize(answered);
      const firstOne = summarize(firstDelivered);
      const gatewaySide = describeStages(stagesBefore, await liveStages(url));
      ctx.run.notes.push(
        `${n} subscribers, one like at a time: the like mutation was answered in p50 ${mutation.p50.toFixed(0)} ms (p99 ${mutation.p99.toFixed(0)}); ` +
          `the first client had the event after p50 ${firstOne.p50.toFixed(0)} ms (p99 ${firstOne.p99.toFixed(0)}), the last after p99 ${latency.max.toFixed(0)} ms. ` +
          `Inside the gateway (its /metrics): ${gatewaySide}. ` +
          `Gateway CPU per delivery in this phase (everything it did, over ${n * SEQUENTIAL_LIKES} deliveries): ` +
          `${(((cpuAfter.user - cpuBefore.user) * 1e6) / (n * SEQUENTIAL_LIKES)).toFixed(1)} µs in the process, ` +
          `${(((cpuAfter.system - cpuBefore.system) * 1e6) / (n * SEQUENTIAL_LIKES)).toFixed(1)} µs in the kernel.`,
      );
      ctx.run.add({
        label: `ours / latency / ${n} subscribers`,
        target: 'ours',
        workload: 'like-to-delivered (one like at a time)',
        dims: { subscribers: n, 'memory per connection KiB': Math.round((after - before) / n / 102.4) / 10 },
        connections: n,
        durationSeconds: sequentialSeconds,
        reqPerSec: samples.length / sequentialSeconds,
        latency,
        ok: samples.length,
        non2xx: 0,
        graphqlErrors: sequential.errors,
        transportErrors: n * SEQUENTIAL_LIKES - samples.length,
        timeouts: 0,
      });
      ctx.log(`  latency: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${latency.count} deliveries`);

      await clients.reset();
      const burstStart = wallNow();
      const tokens = accounts.splice(-BURST_LIKES);
      if (tokens.length !== BURST_LIKES) throw new Error(`only ${tokens.length} accounts left for a burst of ${BURST_LIKES}`);
      await Promise.all(tokens.map((t) => like(t)));
      // A live event may be lost (core NATS, best effort): what never arrives is counted, not waited for.
      await clients
        .waitFor(n * BURST_LIKES, DELIVERY_TIMEOUT_MS)
        .catch((err: Error) => ctx.run.notes.push(`${n} subscribers, burst: ${err.message}.`));
      const burstRecord = await clients.take();
      const burstTimes = burstRecord.perClient.flat();
      const lastAt = burstTimes.reduce((a, b) => Math.max(a, b), burstStart);
      const burstSeconds = (lastAt - burstStart) / 1000;
      const burst = summarize(burstTimes.map((at) => at - burstStart));
      ctx.run.add({
        label: `ours / burst / ${n} subscribers`,
        target: 'ours',
        workload: `deliveries/s (${BURST_LIKES} likes at once)`,
        dims: { subscribers: n },
        connections: n,
        durationSeconds: burstSeconds,
        reqPerSec: burstTimes.length / burstSeconds,
        latency: burst,
        ok: burstTimes.length,
        non2xx: 0,
        graphqlErrors: burstRecord.errors,
        transportErrors: n * BURST_LIKES - burstTimes.length,
        timeouts: 0,
      });
      ctx.run.notes.push(
        `${n} subscribers: gateway RSS ${(before / 2 ** 20).toFixed(0)} MiB before, ${(after / 2 ** 20).toFixed(0)} MiB connected and subscribed: ` +
          `${((after - before) / n / 1024).toFixed(1)} KiB per connection; connecting and subscribing took ${connectSeconds.toFixed(1)} s.`,
      );
      ctx.log(`  burst: ${(burstTimes.length / burstSeconds).toFixed(0)} deliveries/s, p99 ${burst.p99.toFixed(1)} ms`);
      await clients.close();
    }
  },
};
