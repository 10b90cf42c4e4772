import { createRequire } from 'node:module';
import path from 'node:path';
import Redis from 'ioredis';
import { MongoClient } from 'mongodb';
import { InternalSigner, newId } from '@social/kit';
import { streamNameFor } from '@social/events';
import { privateServer } from '@social/test-kit';
import { Rng } from '../dataset/prng';
import { httpLoad } from '../harness/http-load';
import { REPO_ROOT } from '../harness/processes';
import type { Measurement } from '../harness/report';
import { measure, type Scenario, type ScenarioContext } from '../harness/scenario';
import { newSecrets } from '../harness/targets';
import { diffWrites, startPostInstance, ViewerHeaders, type PostInstance } from './counters/post-instance';
import type { WriteCounts } from './counters/write-probe';

const POSTS = 200; // posts the load spreads over, uniformly: every flush touches up to this many documents (FerretDB writes ~10 a second under load)
const AUTHORS = 50;
const VIEWERS = 5_000; // 5M (viewer, post) pairs: a repeated like (a no-op) is rare in a run of thousands
const VIEWS_PER_CALL = 20; // a screenful of posts, as a client batches recordView
const HOT_POSTS = 10; // "likes on hot posts": a few popular posts take every like, as popular posts do
const FLUSH_INTERVAL_MS = 3_000; // the service's default
const QUIET_MS = FLUSH_INTERVAL_MS + 1_500; // no MongoDB write for this long: the flusher has nothing left and no request is still running
const MAX_QUIET_WAIT_MS = 180_000; // FerretDB works through a backlog slowly; past this the figures would be meaningless

const RECORD_VIEW = `mutation($ids: [ID!]!) { recordView(postIds: $ids) }`;
const LIKE = `mutation($p: ID!) { likePost(postId: $p) { id } }`;
const CREATE = `mutation($t: String!) { createPost(text: $t) { id } }`;

type Workload = 'views' | 'likes' | 'likes-hot';
const WORKLOADS: Workload[] = ['views', 'likes', 'likes-hot'];
const TARGETS = ['write-behind', 'direct'] as const;

export const counters: Scenario = {
  name: 'counters',
  description: [
    'Write-behind counters against writing every count straight to MongoDB, on real servers (FerretDB, Redis, NATS',
    'JetStream), straight to the post subgraph (signed as the gateway), one process per target:',
    '',
    '- **write-behind** (`COUNTER_STORE=write-behind`, the default): counts go to Redis (HINCRBY) and a flusher moves them',
    `  to MongoDB every ${FLUSH_INTERVAL_MS / 1000} s in one batched write (bulkWrite of \`$inc\`, one update per post touched).`,
    '- **direct** (`COUNTER_STORE=direct`, the baseline): every count is its own `$inc` on the post document (a recordView',
    '  of 20 posts is one bulkWrite of 20 updates; a like is one update).',
    '',
    `Workloads: **views** = \`recordView\` of ${VIEWS_PER_CALL} random posts (uniform over ${POSTS}); **likes** = \`likePost\` of a`,
    `random post (uniform over ${POSTS}) by a random viewer (of ${VIEWERS}); **likes-hot** = the same on ${HOT_POSTS} posts only. Everything`,
    'else is the same code: a like is one insert with its outbox items, its durable event on JetStream, the outbox settled',
    'with one update, and live events on core NATS.',
    '',
    'MongoDB writes are counted at the client, inside each post process (driver command monitoring, preloaded): from the',
    `moment the process has been idle for ${QUIET_MS / 1000} s after the warm-up to the same after the window, so the`,
    'window\'s own deltas (flushed after it) are counted and the warm-up\'s are not. "docs" = documents in write commands',
    '(inserts, updates, deletes); "cmds" = write commands (a bulkWrite is one). The views or likes they are divided by are',
    'counted by the database over the same span (the change in the sum of viewCount or likeCount over all posts), so a',
    'request still running when the window closes counts on both sides.',
    '',
    'MongoDB here is a private FerretDB (the same binary scripts/services runs) started for this run: the direct',
    "baseline's write load stalls a FerretDB for everyone using it, and the shared one is used by other work.",
  ],
  packages: ['mongoose', 'ioredis', 'autocannon'],

  async run(ctx: ScenarioContext) {
    const { args, run } = ctx;
    if (!ctx.servers) throw new Error('counters measures MongoDB and Redis writes: run it with --real');
    // Cleanup runs in reverse order of registration: the server last, after every process using it stopped.
    const mongo = await privateServer('mongo');
    ctx.defer(() => mongo.close());
    const servers = { ...ctx.servers, mongodbUri: mongo.url };
    if (ctx.environment.servers) ctx.environment.servers['mongodbUri'] = `${mongo.url} (private FerretDB for this run)`;
    const key = `ctrbench_${run.id.replace(/[^A-Za-z0-9]/g, '').slice(-12)}`;
    const secrets = newSecrets();
    const signer = new InternalSigner(secrets.internal, 'gateway');
    const rng = new Rng(args.seed);
    const authors = Array.from({ length: AUTHORS }, newId);
    const viewers = new ViewerHeaders(signer, [...Array.from({ length: VIEWERS }, newId), ...authors]);
    await viewers.start();
    ctx.defer(async () => viewers.stop());
    Object.assign(ctx.settings, {
      posts: POSTS,
      'views per call': VIEWS_PER_CALL,
      'flush interval ms': FLUSH_INTERVAL_MS,
      viewers: VIEWERS,
    });
    ctx.environment.dataset.push({
      scale: 'synthetic',
      posts: POSTS,
      note: `${POSTS} posts by ${AUTHORS} authors, created through the API at start`,
    });

    ctx.defer(() => cleanUp(servers, key));
    const instances: Record<(typeof TARGETS)[number], PostInstance> = {} as never;
    for (const target of TARGETS) {
      const tag = target === 'direct' ? 'd' : 'w';
      const env = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        INTERNAL_AUTH_SECRET: secrets.internal,
        MONGODB_URI: servers.mongodbUri,
        MONGODB_DB: `${key}_${tag}`,
        REDIS_URL: servers.redisUrl,
        REDIS_KEY_PREFIX: `${key}_${tag}:`,
        NATS_URL: servers.natsUrl,
        EVENT_SUBJECT_PREFIX: `${key}_${tag}.`,
        COUNTER_STORE: target,
        FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS),
        RECONCILE_INTERVAL_MS: '0',
      };
      const instance = await startPostInstance(`post-${target}`, env, viewers.header(null));
      ctx.defer(() => instance.handle.stop());
      instances[target] = instance;
    }

    const posts: Record<string, string[]> = {};
    for (const target of TARGETS) {
      posts[target] = await createPosts(instances[target].url, authors, viewers);
      ctx.log(`${target}: ${posts[target]!.length} posts created`);
    }

    const db = await MongoClient.connect(mongo.url);
    ctx.defer(() => db.close());
    const totals = async (target: string) => {
      const d = db.db(`${key}_${target === 'direct' ? 'd' : 'w'}`);
      const docs = await d
        .collection('posts')
        .find({}, { projection: { viewCount: 1, likeCount: 1 } })
        .toArray();
      return {
        views: docs.reduce((n, x) => n + (x['viewCount'] ?? 0), 0),
        likes: docs.reduce((n, x) => n + (x['likeCount'] ?? 0), 0),
        likeDocs: await d.collection('likes').countDocuments(),
      };
    };

    const requestFor = (workload: Workload, target: string) => {
      const all = posts[target]!;
      const ids = workload === 'likes-hot' ? all.slice(0, HOT_POSTS) : all;
      return () => {
        const viewer = viewers.viewers[rng.int(VIEWERS)]!;
        if (workload !== 'views')
          return { body: JSON.stringify({ query: LIKE, variables: { p: ids[rng.int(ids.length)] } }), headers: viewers.header(viewer) };
        const pick = new Set<string>();
        while (pick.size < VIEWS_PER_CALL) pick.add(ids[rng.int(ids.length)]!); // distinct: one view each
        return { body: JSON.stringify({ query: RECORD_VIEW, variables: { ids: [...pick] } }), headers: viewers.header(viewer) };
      };
    };

    const figures: Record<string, Measurement[]> = {};
    const raw = new Map<Measurement, { items: number; counted: number; docs: number; commands: number; created: number }>();
    for (let round = 1; round <= args.rounds; round++) {
      for (const workload of WORKLOADS) {
        for (const target of TARGETS) {
          const instance = instances[target];
          const spec = { url: instance.url, next: requestFor(workload, target), cpuGroups: { post: instance.handle.pid } };
          if (args.warmupSeconds > 0) {
            ctx.log(`warming up ${workload} / ${target} (${args.warmupSeconds} s)`);
            await httpLoad({
              url: spec.url,
              next: spec.next,
              connections: args.connections,
              durationSeconds: args.warmupSeconds,
              warmupSeconds: 0,
            });
          }
          const before = await waitQuiet(instance, ctx);
          const totalsBefore = await totals(target);
          const m = await measure(
            { ...ctx, args: { ...args, warmupSeconds: 0 } },
            { label: `${workload} / ${target} / round ${round}`, target, workload, ...spec },
          );
          const writes = diffWrites(await waitQuiet(instance, ctx), before);
          const totalsAfter = await totals(target);
          // Per view: views the database counted. Per like: likes created (documents in likes), the truth even
          // where a count lost increments.
          const counted = workload === 'views' ? totalsAfter.views - totalsBefore.views : totalsAfter.likes - totalsBefore.likes;
          const unit = workload === 'views' ? 'view' : 'like';
          const sig = (x: number) => Number(x.toPrecision(3));
          const created = totalsAfter.likeDocs - totalsBefore.likeDocs;
          const items = workload === 'views' ? counted : created;
          m.dims = {
            round,
            [`${unit}s/s`]: Number(((m.ok * (workload === 'views' ? VIEWS_PER_CALL : 1)) / m.durationSeconds).toFixed(1)),
            [`${unit}s counted`]: counted,
            ...(workload === 'views' ? {} : { 'likes created': created }),
            'Mongo docs written per item': sig(writes.documents / items),
            'Mongo write cmds per item': sig(writes.commands / items),
            'writes by command (cmds/docs)': Object.entries(writes.byCommand)
              .map(([k, v]) => `${k} ${v.commands}/${v.documents}`)
              .join(', '),
          };
          raw.set(m, { items, counted, docs: writes.documents, commands: writes.commands, created });
          (figures[`${workload}/${target}`] ??= []).push(m);
        }
      }
    }

    for (const workload of WORKLOADS) {
      const wb = figures[`${workload}/write-behind`]!.at(-1)!;
      const direct = figures[`${workload}/direct`]!.at(-1)!;
      run.ratio(`${workload}: requests/s, write-behind / direct`, wb, direct, 'reqPerSec');
      run.ratio(`${workload}: post-process CPU per request, write-behind / direct`, wb, direct, 'cpu:post');
      const [a, b] = [raw.get(wb)!, raw.get(direct)!];
      const unit = workload === 'views' ? 'view' : 'like';
      run.notes.push(
        `${workload} (run ${run.id}, last round): MongoDB documents written per ${unit}: write-behind ${(a.docs / a.items).toPrecision(3)}, ` +
          `direct ${(b.docs / b.items).toPrecision(3)} (direct / write-behind = ${(b.docs / b.items / (a.docs / a.items)).toFixed(1)}x); ` +
          `write commands per ${unit}: write-behind ${(a.commands / a.items).toPrecision(3)}, direct ${(b.commands / b.items).toPrecision(3)} ` +
          `(${(b.commands / b.items / (a.commands / a.items)).toFixed(1)}x).`,
      );
      for (const [name, r] of [
        ['write-behind', a],
        ['direct', b],
      ] as const) {
        // Likes in the likes collection that likeCount does not show: increments lost.
        if (workload !== 'views' && r.created !== r.counted) {
          run.notes.push(
            `${workload} / ${name}: ${r.created} likes were created but likeCount rose by ${r.counted}: ${r.created - r.counted} ` +
              'increments lost. FerretDB v1 applies $inc as read-modify-write (150 concurrent $inc on one document gave 12 ' +
              'in a probe), so concurrent increments of one post lose updates; the flusher is the only writer of a count.',
          );
        }
      }
    }
    run.notes.push(
      'Write-behind costs one flush update per post touched per flush, however many views or likes that post got in ' +
        'between, so writes per item fall as items per post per flush rise: views (thousands per second over ' +
        `${POSTS} posts) gain the most; likes spread uniformly over ${POSTS} posts at a few per second gain almost nothing ` +
        `(each flush touches each liked post once); likes-hot (${HOT_POSTS} posts) shows the popular-post case. A like keeps ` +
        'its own writes in both targets (the like document, and the update that settles its outbox); only the count ' +
        'update moves into the batched flush.',
      'FerretDB v1 (SQLite) is slow at updates (an update by _id takes time linear in the collection size; see ' +
        'subgraphs/post/README.md), which caps the absolute rates here, the direct ones most; on MongoDB the absolute ' +
        'figures would be far higher, the writes per item the same.',
      'Redis work per item (write-behind only, not measured here): one pipelined HINCRBY per viewed post; per like one ' +
        'EVALSHA (increment once per outbox item id) plus the count reads of the response and of the live event.',
    );
  },
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the process has sent no MongoDB write for QUIET_MS; returns its counts then. */
async function waitQuiet(instance: PostInstance, ctx: ScenarioContext): Promise<WriteCounts> {
  const started = Date.now();
  let last = await instance.writes();
  let quietSince = Date.now();
  for (;;) {
    await pause(500);
    const now = await instance.writes();
    if (now.commands !== last.commands) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) {
      const waited = Date.now() - started;
      if (waited > QUIET_MS + 5_000) ctx.log(`  ${instance.name} was writing for ${((waited - QUIET_MS) / 1000).toFixed(1)} s more`);
      return now;
    }
    if (Date.now() - started > MAX_QUIET_WAIT_MS)
      throw new Error(`${instance.name} kept writing for ${MAX_QUIET_WAIT_MS / 1000} s after the load stopped`);
  }
}

async function createPosts(url: string, authors: string[], viewers: ViewerHeaders): Promise<string[]> {
  const ids: string[] = [];
  const one = async (i: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...viewers.header(authors[i % authors.length]!) },
      body: JSON.stringify({ query: CREATE, variables: { t: `counter bench post ${i}` } }),
    });
    const body = (await res.json()) as { data?: { createPost: { id: string } }; errors?: unknown };
    if (!body.data) throw new Error(`createPost failed: ${JSON.stringify(body.errors)}`);
    ids.push(body.data.createPost.id);
  };
  for (let i = 0; i < POSTS; i += 20) await Promise.all(Array.from({ length: Math.min(20, POSTS - i) }, (_, j) => one(i + j)));
  return ids;
}

/** Removes the run's Redis keys and JetStream streams (the private MongoDB goes away with its server). */
async function cleanUp(servers: NonNullable<ScenarioContext['servers']>, key: string): Promise<void> {
  const redis = new Redis(servers.redisUrl);
  try {
    const keys = await redis.keys(`${key}_*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  } finally {
    redis.disconnect();
  }
  // The NATS client the events package uses (resolved from it: the bench declares no NATS dependency of its own).
  const eventsRequire = createRequire(path.join(REPO_ROOT, 'packages', 'events', 'package.json'));
  const { connect } = eventsRequire('@nats-io/transport-node') as typeof import('@nats-io/transport-node');
  const { jetstreamManager } = eventsRequire('@nats-io/jetstream') as typeof import('@nats-io/jetstream');
  const nc = await connect({ servers: servers.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for (const tag of ['w', 'd']) {
      const stream = streamNameFor(`${key}_${tag}.`);
      for (const name of [stream, `${stream}_DLQ`]) await jsm.streams.delete(name).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}
