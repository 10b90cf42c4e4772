import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { newId } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { neo4jTestGraphs } from '../src/testing/neo4j';
import { redisTestPrefixes } from '../src/testing/redis';

const { neo4jUri, redisUrl } = realServers();
const graphs = neo4jTestGraphs(neo4jUri);
const redis = redisTestPrefixes(redisUrl);
afterAll(async () => {
  await graphs.cleanUp();
  await redis.cleanUp();
});

const CLI = path.join(__dirname, '..', 'src', 'cli', 'precompute-suggestions.ts');
const run = (env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@social/source', CLI], {
    cwd: path.join(__dirname, '..'),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  });

describe('npm run suggestions:precompute (one batch run, then exit)', () => {
  it('stores a ranking for every active person and prints a report', async () => {
    const prefix = uniqueName('sg');
    const keyPrefix = `${prefix}:`;
    const stores = await graphs.make({ vipThreshold: 10 }, prefix);
    const [viewer, friend, candidate, idle] = [newId(), newId(), newId(), newId()];
    await stores.follows.follow(viewer, friend, new Date());
    await stores.follows.follow(friend, candidate, new Date());
    await stores.close();
    const conn: Redis = await redis.connect(keyPrefix);
    await conn.zadd('active', Date.now(), viewer, Date.now() - 30 * 24 * 3600_000, idle);

    const { stdout } = await run({ NEO4J_URI: neo4jUri, NEO4J_LABEL_PREFIX: prefix, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix });
    expect(JSON.parse(stdout.trim())).toMatchObject({ active: 1, computed: 1, failed: 0, forgotten: 1 });
    const latest = await conn.get(`sugg:${viewer}:latest`);
    const snapshot = JSON.parse((await conn.get(`sugg:${viewer}:${latest}`))!) as { i: [string, number][] };
    expect(snapshot.i[0]!.slice(0, 2)).toEqual([candidate, 1]);
    expect(await conn.get(`sugg:${idle}:latest`)).toBeNull();
    expect(await conn.get('popular')).not.toBeNull();
    conn.disconnect();
  }, 60_000);

  it('refuses to run on memory stores (exit code 1)', async () => {
    await expect(run({})).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});
