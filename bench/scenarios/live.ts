import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, freePort, startChild, waitForGraphQL } from '../harness/processes';
import type { ScenarioContext, Scenario } from '../harness/scenario';
import { summarize } from '../harness/stats';
import { newSecrets, profileFlags, startStackHost, SUPERGRAPH_PATH } from '../harness/targets';
import { openWsClients, type WsClientPool } from '../harness/ws-load';

/** Subscriber counts measured, in order (each step opens this many clients on the one gateway process). */
const STEPS = (process.env['LIVE_BENCH_STEPS'] ?? '1000,10000').split(',').map(Number);
const SEQUENTIAL_LIKES = 20; // one at a time: latency without a backlog
const BURST_LIKES = 20; // all at once: deliveries per second under a burst
const DELIVERY_TIMEOUT_MS = 60_000;
const WARM_UP_ATTEMPTS = 3;
/**
 * How the N clients speak graphql-transport-ws (see ws-load.ts): the graphql-ws library by default, as apps do;
 * LIVE_BENCH_CLIENT=protocol for bare protocol clients that cost the harness less CPU per event. Tried on
 * 2026-12-06: bursts rose from 58k to 58-70k deliveries/s, but p99 at 10,000 did not move (253-344 ms either way).
 */
const CLIENT = process.env['LIVE_BENCH_CLIENT'] === 'protocol' ? 'protocol' : 'graphql-ws';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const LIKED = `subscription($p: ID!) { postLiked(postId: $p) { likeCount likedBy { handle } post { id likeCount } } }`;

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
    'The N clients run in the harness process (one event loop receiving everything), so its own delay is part of the figures.',
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
    Object.assign(ctx.settings, { steps: STEPS.join(','), 'sequential likes': SEQUENTIAL_LIKES, 'burst likes': BURST_LIKES, workers: 1 });

    for (const n of STEPS) {
      const { createPost } = await gql(`mutation { createPost(text: "live bench") { id } }`, {}, author);
      const postId = createPost.id as string;
      const before = rss();
      const openedAt = performance.now();
      const pool: WsClientPool = await openWsClients({ url: url.replace(/^http/, 'ws'), count: n, concurrency: 100, client: CLIENT });
      ctx.defer(() => pool.close());
      let sentAt = 0;
      let expected = 0;
      const samples: number[] = [];
      let received = 0;
      let errors = 0;
      let lastAt = 0;
      let waiter: (() => void) | null = null;
      const stop = pool.subscribeAll(
        { query: LIKED, variables: { p: postId } },
        (_i, data: { postLiked?: unknown }, at) => {
          if (!data?.postLiked) return void errors++;
          samples.push(at - sentAt);
          received++;
          lastAt = at;
          if (received >= expected && waiter) waiter();
        },
        () => void errors++,
      );
      const arrived = (count: number) =>
        new Promise<void>((resolve, reject) => {
          expected = count;
          if (received >= count) return resolve();
          const timer = setTimeout(
            () => reject(new Error(`only ${received} of ${count} deliveries within ${DELIVERY_TIMEOUT_MS} ms`)),
            DELIVERY_TIMEOUT_MS,
          );
          waiter = () => {
            clearTimeout(timer);
            waiter = null;
            resolve();
          };
        });
      const like = (token: string) => gql(`mutation($p: ID!) { likePost(postId: $p) { id } }`, { p: postId }, token);
      // Warm-up: the gateway has subscribed once a like reaches every client (plans cached from here on).
      for (let attempt = 0; ; attempt++) {
        sentAt = performance.now();
        await like(accounts.pop()!);
        try {
          await arrived(n);
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

      samples.length = 0;
      received = 0;
      const started = performance.now();
      const answered: number[] = []; // like mutation answered (ms after sent): the part of the latency before any live work
      const firstDelivered: number[] = [];
      for (let i = 0; i < SEQUENTIAL_LIKES; i++) {
        sentAt = performance.now();
        const first = samples.length;
        await like(accounts.pop()!);
        answered.push(performance.now() - sentAt);
        await arrived(n * (i + 1));
        firstDelivered.push(Math.min(...samples.slice(first)));
      }
      const latency = summarize(samples);
      const mutation = summarize(answered);
      const firstOne = summarize(firstDelivered);
      ctx.run.notes.push(
        `${n} subscribers, one like at a time: the like mutation was answered in p50 ${mutation.p50.toFixed(0)} ms (p99 ${mutation.p99.toFixed(0)}); ` +
          `the first client had the event after p50 ${firstOne.p50.toFixed(0)} ms (p99 ${firstOne.p99.toFixed(0)}), the last after p99 ${latency.max.toFixed(0)} ms.`,
      );
      const sequentialSeconds = (performance.now() - started) / 1000;
      ctx.run.add({
        label: `ours / latency / ${n} subscribers`,
        target: 'ours',
        workload: 'like-to-delivered (one like at a time)',
        dims: { subscribers: n, 'memory per connection KiB': Math.round((after - before) / n / 102.4) / 10 },
        connections: n,
        durationSeconds: sequentialSeconds,
        reqPerSec: received / sequentialSeconds,
        latency,
        ok: received,
        non2xx: 0,
        graphqlErrors: errors,
        transportErrors: n * SEQUENTIAL_LIKES - received,
        timeouts: 0,
      });
      ctx.log(`  latency: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${latency.count} deliveries`);

      samples.length = 0;
      received = 0;
      sentAt = performance.now();
      const burstStart = sentAt;
      const tokens = accounts.splice(-BURST_LIKES);
      if (tokens.length !== BURST_LIKES) throw new Error(`only ${tokens.length} accounts left for a burst of ${BURST_LIKES}`);
      await Promise.all(tokens.map((t) => like(t)));
      // A live event may be lost (core NATS, best effort): what never arrives is counted, not waited for.
      await arrived(n * BURST_LIKES).catch((err: Error) => ctx.run.notes.push(`${n} subscribers, burst: ${err.message}.`));
      const burstSeconds = (lastAt - burstStart) / 1000;
      const burst = summarize(samples);
      ctx.run.add({
        label: `ours / burst / ${n} subscribers`,
        target: 'ours',
        workload: `deliveries/s (${BURST_LIKES} likes at once)`,
        dims: { subscribers: n },
        connections: n,
        durationSeconds: burstSeconds,
        reqPerSec: received / burstSeconds,
        latency: burst,
        ok: received,
        non2xx: 0,
        graphqlErrors: errors,
        transportErrors: n * BURST_LIKES - received,
        timeouts: 0,
      });
      ctx.run.notes.push(
        `${n} subscribers: gateway RSS ${(before / 2 ** 20).toFixed(0)} MiB before, ${(after / 2 ** 20).toFixed(0)} MiB connected and subscribed: ` +
          `${((after - before) / n / 1024).toFixed(1)} KiB per connection; connecting and subscribing took ${connectSeconds.toFixed(1)} s.`,
      );
      ctx.log(`  burst: ${(received / burstSeconds).toFixed(0)} deliveries/s, p99 ${burst.p99.toFixed(1)} ms`);
      stop();
      await pool.close();
    }
  },
};
