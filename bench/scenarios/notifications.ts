import { createLogger, newId } from '@social/kit';
import { createEventBus, MemoryEventBus, MemoryLiveBus, type EventBus } from '@social/events';
import { parseNotificationConfig, startNotificationService, type NotificationStore } from '@social/notification';
import { privateServer } from '@social/test-kit';
import type { Measurement } from '../harness/report';
import type { ScenarioContext, Scenario } from '../harness/scenario';
import { summarize } from '../harness/stats';

const LIKES_REAL = 1_000; // one burst on FerretDB: enough for a steady rate, short enough for the one-at-a-time baseline
const LIKES_MEMORY = 5_000;
const PUBLISH_CHUNK = 100; // likes published concurrently: a burst, as a popular post gets them
const MAX_WAIT_MS = 600_000; // the baseline on FerretDB is slow; past this the figure would be meaningless
const TARGETS = { 'group-commit': 16, 'one-at-a-time': 1 } as const; // CONSUMER_CONCURRENCY of each target

type Target = keyof typeof TARGETS;

export const notifications: Scenario = {
  name: 'notifications',
  description: [
    'Notifications written from a burst of likes on one popular post: the notification consumer (JetStream durable, in this',
    "process) applies `post.liked` events to the author's LIKE group. Every like becomes part of the stored group before",
    'its event is acknowledged.',
    '',
    `- **group-commit** (CONSUMER_CONCURRENCY=${TARGETS['group-commit']}, the default): that many events in flight; while one write of`,
    "  the author's inbox is running the others queue and go in the next write together.",
    '- **one-at-a-time** (CONSUMER_CONCURRENCY=1, the baseline): one event, one read-modify-write of the group.',
    '',
    '"notifications/s" = likes applied to the group per second, from the first publish to the last like stored. "writes',
    'per like" = database write commands (a bulkWrite is one) divided by likes, counted by the store. Latency = from an',
    "event's occurredAt to the write that stored it. With `--real`: a private FerretDB for this run and the shared NATS",
    '(unique subject prefix); without: memory store and in-process bus.',
  ],
  packages: ['mongoose', '@nats-io/jetstream'],

  async run(ctx: ScenarioContext) {
    const { args, run } = ctx;
    const real = Boolean(ctx.servers);
    const likes = real ? LIKES_REAL : LIKES_MEMORY;
    let mongodbUri: string | undefined;
    if (ctx.servers) {
      const mongo = await privateServer('mongo');
      ctx.defer(() => mongo.close());
      mongodbUri = mongo.url;
      if (ctx.environment.servers) ctx.environment.servers['mongodbUri'] = `${mongo.url} (private FerretDB for this run)`;
    }
    Object.assign(ctx.settings, { likes, 'publish chunk': PUBLISH_CHUNK });
    ctx.environment.dataset.push({ scale: 'synthetic', note: `${likes} likes of one post by distinct people, per target and round` });
    const key = `ntfbench_${run.id.replace(/[^A-Za-z0-9]/g, '').slice(-12)}`;
    const selected = (Object.keys(TARGETS) as Target[]).filter((t) => !args.only || args.only.includes(t));

    const byTarget: Record<string, Measurement[]> = {};
    for (let round = 1; round <= args.rounds; round++) {
      for (const target of selected) {
        const r = await burst(ctx, { target, round, likes, key, mongodbUri });
        const writesPerLike = r.writes / likes;
        ctx.log(`${target} round ${round}: ${r.perSecond.toFixed(1)} notifications/s, ${writesPerLike.toFixed(3)} writes per like`);
        const m = run.add({
          label: `${target} / like burst${args.rounds > 1 ? ` / round ${round}` : ''}`,
          target,
          workload: 'like burst',
          dims: { round, likes, 'writes per like': Number(writesPerLike.toFixed(4)) },
          connections: TARGETS[target],
          durationSeconds: r.seconds,
          reqPerSec: r.perSecond,
          latency: r.latency,
          ok: likes,
          non2xx: 0,
          graphqlErrors: 0,
          transportErrors: 0,
          timeouts: 0,
        });
        (byTarget[target] ??= []).push(m);
        run.notes.push(`${target}, round ${round}: ${r.writes} write commands for ${likes} likes = ${writesPerLike.toFixed(3)} per like`);
      }
    }
    const [grouped, single] = [byTarget['group-commit'], byTarget['one-at-a-time']];
    if (grouped && single) run.ratioOfRounds('notifications/s, group-commit / one-at-a-time', grouped, single, 'reqPerSec');
  },
};

interface BurstOptions {
  target: Target;
  round: number;
  likes: number;
  key: string;
  mongodbUri: string | undefined;
}

/** One burst: a fresh service and durable, `likes` likes published at once, timed until all are stored. */
async function burst(ctx: ScenarioContext, o: BurstOptions) {
  const logger = createLogger('notifications-bench', 'warn');
  const prefix = `${o.key}_${o.target.replace(/-/g, '')}_${o.round}.`;
  const bus: EventBus = ctx.servers
    ? await createEventBus({ natsUrl: ctx.servers.natsUrl, subjectPrefix: prefix, logger })
    : new MemoryEventBus();
  const live = new MemoryLiveBus();
  const config = parseNotificationConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: '0',
    INTERNAL_AUTH_SECRET: 'bench-internal-secret-0123456789abcdef',
    MONGODB_URI: o.mongodbUri,
    MONGODB_DB: `${prefix.slice(0, -1)}`,
    CONSUMER_CONCURRENCY: String(TARGETS[o.target]),
    RETENTION_INTERVAL_MS: '0',
  });
  const service = await startNotificationService(config, { bus, live, logger });
  try {
    const store = service.store;
    const stored = observeStoredLikes(store);
    const author = newId();
    const post = newId();
    const writesBefore = store.writeCommands;
    const started = performance.now();
    for (let i = 0; i < o.likes; i += PUBLISH_CHUNK) {
      const n = Math.min(PUBLISH_CHUNK, o.likes - i);
      await Promise.all(Array.from({ length: n }, () => bus.publish('post.liked', { postId: post, authorId: author, userId: newId() })));
    }
    await stored.until(o.likes, MAX_WAIT_MS);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: o.likes / seconds, writes: store.writeCommands - writesBefore, latency: summarize(stored.latencies) };
  } finally {
    await service.stop();
    await bus.close();
    await live.close();
  }
}

/** Wraps the store's saveGroups to see each like the moment it is stored (for the latency and the end of the burst). */
function observeStoredLikes(store: NotificationStore) {
  const seen = new Set<string>();
  const latencies: number[] = [];
  let wake: () => void = () => undefined;
  const save = store.saveGroups.bind(store);
  store.saveGroups = async (groups) => {
    await save(groups);
    const now = Date.now();
    for (const g of groups) {
      for (const m of g.members) {
        if (m.present && !seen.has(m.userId)) {
          seen.add(m.userId);
          latencies.push(now - m.at.getTime());
        }
      }
    }
    wake();
  };
  return {
    latencies,
    until: async (n: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (seen.size < n) {
        if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${n} likes stored after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 1_000).unref();
        });
      }
    },
  };
}
