import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { newId } from '@social/kit';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { mongoTestDbs } from './support/mongo-test-db';
import { deleteRedisKeys } from './support/redis-keys';
import { COUNTS, LIKE, UNLIKE, COMMENT, VIEW, createPosts, startHarness, type Harness } from './harness';

const { redisUrl } = realServers();
const dbs = mongoTestDbs();
const LOCK_TTL_MS = '2000'; // the killed child holds the lock until it expires; short keeps the test quick

let h: Harness | undefined;
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL'); // a failed test must not leave a flusher hanging
  children.clear();
  await h?.stop();
  h = undefined;
});
const redisPrefixes: string[] = [];
afterAll(async () => {
  await dbs.dropAll();
  await deleteRedisKeys(redisUrl, redisPrefixes);
});

/** Runs the flusher in a child process and SIGKILLs it when it reports reaching `point`. */
async function killFlusherAt(point: 'afterOpen' | 'afterWrite', env: Record<string, string>): Promise<void> {
  // node itself with tsx as a loader (not the tsx CLI, which would run the script in a grandchild
  // that the SIGKILL below would not reach).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@social/source', path.join(__dirname, 'support', 'flusher-child.ts')],
    {
      env: { ...process.env, ...env, CRASH_AT: point },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let out = '';
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(`AT ${point}`)) resolve();
    });
    child.once('exit', () => reject(new Error(`flusher child exited before ${point}: ${out}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe.each(['afterOpen', 'afterWrite'] as const)('the flusher process killed %s (real Redis and MongoDB)', (point) => {
  it('loses nothing and counts nothing twice once a flusher runs again', async () => {
    const dbName = uniqueName('post');
    await (await dbs.open(dbName)).close(); // registers the database for dropAll
    const env = {
      MONGODB_URI: dbs.uri,
      MONGODB_DB: dbName,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `${uniqueName('post')}:`,
      FLUSH_LOCK_TTL_MS: LOCK_TTL_MS,
    };
    redisPrefixes.push(env.REDIS_KEY_PREFIX);
    h = await startHarness({ env });
    const [a, b] = await createPosts(h, newId(), 2);
    const alice = newId();
    for (let i = 0; i < 5; i++) await h.gql(LIKE, { p: a }, newId());
    await h.gql(LIKE, { p: b }, alice);
    await h.gql(UNLIKE, { p: b }, alice);
    await h.gql(COMMENT, { p: a, t: 'one' }, alice);
    await h.gql(VIEW, { ids: [a, b] });
    const expected = { likeCount: 5, commentCount: 1, viewCount: 1 };

    await killFlusherAt(point, env);
    const redis = new Redis(redisUrl);
    const flights = await redis.smembers(`${env.REDIS_KEY_PREFIX}counters:{pc}:flights`);
    await redis.quit();
    expect(flights).toHaveLength(1); // the dead flusher's flight is still there
    expect((await h.gql(COUNTS, { id: a })).data.post).toMatchObject(expected); // and reads stay exact

    await h.gql(LIKE, { p: a }, newId()); // activity after the crash
    const result = await eventually(async () => {
      const r = await h!.service.workers.flushNow();
      return r.status === 'flushed' ? r : undefined; // 'locked' until the dead holder's lock expires
    });
    expect(result.flights).toHaveLength(2);
    expect(result.flights[0]).toBe(flights[0]);
    expect((await h.gql(COUNTS, { id: a })).data.post).toMatchObject({ ...expected, likeCount: 6 });
    expect((await h.gql(COUNTS, { id: b })).data.post).toMatchObject({ likeCount: 0, commentCount: 0, viewCount: 1 });
    const stored = await h.service.workers.reconciler.recountPost(a!);
    expect(stored).toEqual({ postId: a, likes: 0, comments: 0 }); // the database agrees with the likes collection
  });
});
