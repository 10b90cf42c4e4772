import { createLogger, newId, type RunningService } from '@social/kit';
import { MemoryEventBus } from '@social/events';
import { eventually, privateServer, realServers, uniqueName, type PrivateServer } from '@social/test-kit';
import { parseSocialGraphConfig, startSocialGraphService, type Runtime } from '../src/server';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { call, errorCode } from '../src/testing/http';
import { redisTestPrefixes } from '../src/testing/redis';
import { FOLLOW, SUGGESTIONS, reps } from './harness';

const logger = createLogger('social-graph-test', 'silent');
const { redisUrl } = realServers();
const redis = redisTestPrefixes(redisUrl);

/**
 * Neo4j stops mid-run (a private server, killed like a crash): suggestions answer with the popular
 * accounts kept in Redis and say so in extensions.degraded; follow fails with SERVICE_UNAVAILABLE
 * within seconds; the rest of the subgraph keeps answering. When Neo4j is back, so is everything.
 */
describe('social-graph with Neo4j stopped mid-run', () => {
  let neo4j: PrivateServer;
  let service: RunningService;
  let runtime!: Runtime;
  const users = new MemoryUserDirectory();
  const bus = new MemoryEventBus();
  const config = parseSocialGraphConfig({
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `${uniqueName('sg')}:`,
    NEO4J_LABEL_PREFIX: uniqueName('sg'),
  });
  const gql = (query: string, variables: Record<string, unknown>, viewerId: string | null) =>
    call(service, config.INTERNAL_AUTH_SECRET, query, variables, { viewerId });

  beforeAll(async () => {
    neo4j = await privateServer('neo4j');
    await redis.connect(config.REDIS_KEY_PREFIX).then((r) => r.quit()); // registers the prefix for clean-up
    service = await startSocialGraphService({ ...config, NEO4J_URI: neo4j.url }, { bus, users, logger, onRuntime: (r) => (runtime = r) });
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    await bus.close();
    await neo4j?.close();
    await redis.cleanUp();
  });

  it('degrades suggestions, refuses follows quickly, keeps the rest, and recovers', async () => {
    const [viewer, friend, candidate, star, ...fans] = Array.from({ length: 9 }, () => newId());
    users.add(viewer!, friend!, candidate!, star!, ...fans);
    const follow = async (a: string, b: string) => expect((await gql(FOLLOW, { userId: b }, a)).errors).toBeUndefined();
    // A fresh JVM compiles its first queries slowly on a busy machine: warm it up before measuring anything.
    await eventually(async () => ((await gql(FOLLOW, { userId: star }, fans[0]!)).errors ? undefined : true), 60_000, 200);
    for (const fan of fans) await follow(fan, star!);
    await follow(viewer!, friend!);
    await follow(friend!, candidate!);
    await runtime.popular.refresh(); // the periodic job, run now
    const COUNTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followerCount isVip } } }`;
    expect((await gql(COUNTS, { r: reps([star!]) }, null)).data?.['_entities']).toEqual([{ followerCount: 5, isVip: false }]);
    // The first ranking query compiles slowly on the cold JVM (and is answered degraded, as designed): wait for a warm one.
    const healthy = await eventually(
      async () => {
        const res = await gql(SUGGESTIONS, { first: 5 }, viewer!);
        return res.extensions ? undefined : res;
      },
      30_000,
      500,
    );
    expect(healthy.data?.['suggestions'].edges[0].node.id).toBe(candidate);

    await neo4j.stop();

    // 1. Suggestions: the popular list from Redis, flagged, in about the suggestions timeout at most.
    let started = Date.now();
    const degraded = await gql(SUGGESTIONS, { first: 5 }, viewer!);
    expect(Date.now() - started).toBeLessThan(config.SUGGESTIONS_TIMEOUT_MS + 2_000);
    expect(degraded.errors).toBeUndefined();
    expect(degraded.extensions?.['degraded']).toEqual([
      { field: 'suggestions', reason: expect.stringMatching(/^graph-(unavailable|timeout)$/), fallback: 'popular-accounts' },
    ]);
    expect(degraded.data?.['suggestions'].edges[0]).toMatchObject({ node: { id: star }, reason: { kind: 'POPULAR' } });

    // 2. Follow: SERVICE_UNAVAILABLE, not a hang and not a masked internal error.
    started = Date.now();
    expect(errorCode(await gql(FOLLOW, { userId: candidate }, viewer!))).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(6_000);

    // 3. The rest answers: cached counts come from Redis, the service is alive, /ready says why it is not ready.
    expect((await gql(COUNTS, { r: reps([star!]) }, null)).data?.['_entities']).toEqual([{ followerCount: 5, isVip: false }]);
    expect((await fetch(service.url.replace('/graphql', '/health'))).status).toBe(200);
    const ready = await fetch(service.url.replace('/graphql', '/ready'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: 'ok' } });

    await neo4j.start();

    await eventually(async () => ((await gql(FOLLOW, { userId: candidate }, fans[0]!)).errors ? undefined : true), 60_000, 500);
    const recovered = await eventually(
      async () => {
        const res = await gql(SUGGESTIONS, { first: 5 }, viewer!);
        return res.extensions ? undefined : res;
      },
      30_000,
      500,
    );
    expect(recovered.data?.['suggestions'].edges[0].node.id).toBe(candidate);
  }, 180_000);
});
