import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { newId } from '@social/kit';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { FeedHarness, INACTIVE_AFTER_MS, realParts } from '../testing/feed-harness';
import { FanoutWorker } from './fanout-worker';

const servers = realServers();
const POSTS = 2_000; // "thousands of posts": a burst long enough to kill the worker in the middle of it
const FOLLOWERS = 20;
const SHARDS = 2;
const CAP = 5_000; // above POSTS, so "every post exactly once" can be checked on every timeline

let child: ChildProcess | undefined;
afterEach(() => child?.kill('SIGKILL')); // a failed test must not leave a worker running

/** A fan-out worker process (src/worker.ts) on the test's Redis prefix and subject prefix. */
function startWorkerProcess(name: string, opsPort: number): ChildProcess {
  // node itself with tsx as a loader, so the SIGKILL reaches the worker (not a tsx CLI parent).
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=@social/source', path.join(__dirname, '..', 'worker.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REDIS_URL: servers.redisUrl,
      REDIS_KEY_PREFIX: `${name}:`,
      NATS_URL: servers.natsUrl,
      EVENT_SUBJECT_PREFIX: `${name}.`,
      FANOUT_SHARDS: String(SHARDS),
      TIMELINE_CAP: String(CAP),
      WORKER_PORT: String(opsPort),
    },
    stdio: 'ignore',
  });
}

describe('a fan-out worker process killed mid-burst (real Redis and NATS JetStream)', () => {
  it('after another worker takes over, every follower has every post exactly once', async () => {
    const name = uniqueName('feedcrash');
    const h = await FeedHarness.start(await realParts(servers, name, SHARDS, CAP), { worker: false, batchSize: 10 });
    const redis = new Redis(servers.redisUrl, { keyPrefix: `${name}:` });
    try {
      const author = newId();
      const followers = Array.from({ length: FOLLOWERS }, () => newId());
      for (const f of followers) h.graph.follow(f, author);
      const opsPort = await freePort();
      child = startWorkerProcess(name, opsPort);
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child!.once('exit', (code, signal) => resolve(signal ?? code)),
      );

      const posted: string[] = [];
      const burst = (async () => {
        for (let i = 0; i < POSTS; i += 100) {
          posted.push(...(await Promise.all(Array.from({ length: Math.min(100, POSTS - i) }, () => h.post(author)))));
        }
      })();
      // Kill it in the middle: some batches applied, many not yet (and some in flight, unacknowledged).
      await eventually(async () => ((await redis.zcard(`tl:${followers[0]}`)) >= POSTS / 10 ? true : undefined), 40_000);
      // The worker process is probed and scraped like a service: ready (Redis answers), and counting its inserts.
      expect((await fetch(`http://127.0.0.1:${opsPort}/ready`)).status).toBe(200);
      const scraped = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
      expect(Number(/^feed_timeline_inserts_total\{service="feed-worker"\} (\d+)$/m.exec(scraped)?.[1])).toBeGreaterThan(0);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const atKill = await redis.zcard(`tl:${followers[0]}`);
      expect(atKill).toBeLessThan(POSTS);
      await burst;

      const worker = new FanoutWorker({ store: h.store(), live: h.live, inactiveAfterMs: INACTIVE_AFTER_MS });
      const consuming = await h.parts.queue.consume(worker.apply);
      try {
        const expected = [...posted].sort();
        for (const f of followers) {
          await eventually(async () => ((await redis.zcard(`tl:${f}`)) >= POSTS ? true : undefined), 45_000, 100);
          const members = await redis.zrange(`tl:${f}`, 0, -1);
          expect(members.map((m) => m.split(':')[0]).sort()).toEqual(expected);
        }
      } finally {
        await consuming.stop();
      }
    } finally {
      await redis.quit();
      await h.close();
    }
  }, 90_000);
});

/** A port free right now (the OS picks it), for the worker process's /health, /ready and /metrics. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
