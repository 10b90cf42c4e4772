import { createLogger, newId } from '@social/kit';
import { createEventBus, MemoryEventBus, type EventEnvelope } from '@social/events';
import { eventually, privateServer, realServers, uniqueName } from '@social/test-kit';
import { parseSocialGraphConfig, startSocialGraphService, type Runtime } from '../src/server';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { neo4jGraphStores } from '../src/stores/graph-stores';
import { createNeo4jDriver, Neo4jDb } from '../src/stores/neo4j-db';
import { call, errorCode } from '../src/testing/http';
import { dropPrefix } from '../src/testing/neo4j';
import { redisTestPrefixes } from '../src/testing/redis';
import { BLOCK, ENTITIES, FOLLOW, SUBJECTS, reps } from './harness';
import { freePort } from '../src/testing/ports';

const { neo4jUri, natsUrl, redisUrl } = realServers();
const logger = createLogger('social-graph-test', 'silent');
const redis = redisTestPrefixes(redisUrl);
const prefixes: string[] = [];
const isolated = () => {
  const name = uniqueName('sg');
  prefixes.push(name);
  return { NEO4J_URI: neo4jUri, NEO4J_LABEL_PREFIX: name, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${name}:` };
};

afterAll(async () => {
  const driver = createNeo4jDriver({ uri: neo4jUri });
  try {
    for (const prefix of prefixes) await dropPrefix(driver, prefix);
  } finally {
    await driver.close();
  }
  for (const prefix of prefixes) await redis.connect(`${prefix}:`).then((r) => r.quit());
  await redis.cleanUp();
});

describe('social-graph service on real Neo4j and Redis', () => {
  const users = new MemoryUserDirectory();
  const bus = new MemoryEventBus();
  const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...isolated() });
  let service: Awaited<ReturnType<typeof startSocialGraphService>>;

  beforeAll(async () => {
    service = await startSocialGraphService(config, { bus, users, logger });
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
  });

  it('follows through GraphQL into Neo4j and reads counts and relations back (through the Redis cache)', async () => {
    const [me, them] = [newId(), newId()];
    users.add(me, them);
    const gql = (q: string, v: Record<string, unknown>) => call(service, config.INTERNAL_AUTH_SECRET, q, v, { viewerId: me });
    expect((await gql(FOLLOW, { userId: them })).data?.['follow']).toMatchObject({
      changed: true,
      user: { followerCount: 1, isFollowing: true },
    });
    expect((await gql(FOLLOW, { userId: them })).data?.['follow']).toMatchObject({ changed: false });
    const res = await gql(ENTITIES, { reps: reps([me, them]) });
    expect(res.data?.['_entities']).toEqual([
      { id: me, followerCount: 0, followingCount: 1, isFollowing: false, followsViewer: false },
      { id: them, followerCount: 1, followingCount: 0, isFollowing: true, followsViewer: false },
    ]);
    const blocked = await gql(BLOCK, { userId: them });
    expect(blocked.data?.['block']).toMatchObject({
      changed: true,
      user: { blockedByViewer: true, followerCount: 0 },
      viewer: { followingCount: 0 },
    });
  });

  it('reports Neo4j and Redis in /ready', async () => {
    const res = await fetch(service.url.replace('/graphql', '/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checks: { neo4j: 'ok', redis: 'ok' } });
  });
});

describe('social-graph service publishing to NATS JetStream', () => {
  it('follow and block publish their events, each once, through the outbox', async () => {
    const subjectPrefix = `${uniqueName('sg')}.`; // subject prefixes are dot-terminated tokens
    const config = parseSocialGraphConfig({
      PORT: '0',
      NODE_ENV: 'test',
      NATS_URL: natsUrl,
      EVENT_SUBJECT_PREFIX: subjectPrefix,
      ...isolated(),
    });
    const [me, them] = [newId(), newId()];
    const service = await startSocialGraphService(config, { users: new MemoryUserDirectory([me, them]), logger });
    const reader = await createEventBus({ natsUrl, subjectPrefix, logger });
    const received: EventEnvelope[] = [];
    const consumer = await reader.consume({ durable: 'sg-test', subjects: [...SUBJECTS], handler: async (e) => void received.push(e) });
    try {
      const res = await call(service, config.INTERNAL_AUTH_SECRET, FOLLOW, { userId: them }, { viewerId: me });
      expect(res.data?.['follow']).toMatchObject({ changed: true });
      await call(service, config.INTERNAL_AUTH_SECRET, BLOCK, { userId: me }, { viewerId: them });
      await eventually(async () => (received.length >= 3 ? true : undefined));
      expect(received.map((e) => [e.subject, e.data])).toEqual([
        ['user.followed', { followerId: me, followeeId: them }],
        ['user.blocked', { blockerId: them, blockedId: me }],
        ['user.unfollowed', { followerId: me, followeeId: them }],
      ]);
      const ready = await fetch(service.url.replace('/graphql', '/ready'));
      expect(await ready.json()).toMatchObject({ checks: { nats: 'ok', neo4j: 'ok' } });
    } finally {
      await consumer.stop();
      await reader.close();
      await service.stop();
    }
  });

  it('with NATS down a follow still succeeds; its event is published once NATS is back, exactly once', async () => {
    const nats = await privateServer('nats');
    const subjectPrefix = `${uniqueName('sg')}.`;
    const config = parseSocialGraphConfig({
      PORT: '0',
      NODE_ENV: 'test',
      NATS_URL: nats.url,
      EVENT_SUBJECT_PREFIX: subjectPrefix,
      ...isolated(),
    });
    const [me, them] = [newId(), newId()];
    let runtime!: Runtime;
    const service = await startSocialGraphService(config, {
      users: new MemoryUserDirectory([me, them]),
      logger,
      onRuntime: (r) => (runtime = r),
    });
    const reader = await createEventBus({ natsUrl: nats.url, subjectPrefix, logger });
    const received: EventEnvelope[] = [];
    const consumer = await reader.consume({ durable: 'sg-test', subjects: ['user.followed'], handler: async (e) => void received.push(e) });
    try {
      await nats.stop();
      const res = await call(service, config.INTERNAL_AUTH_SECRET, FOLLOW, { userId: them }, { viewerId: me });
      expect(res.errors).toBeUndefined();
      await expect(runtime.relay.drain()).rejects.toThrow();
      await nats.start();
      await eventually(async () => (received.length === 1 ? true : undefined), 30_000);
      await runtime.relay.drain(); // nothing left, and nothing published twice
      expect(received.map((e) => e.data)).toEqual([{ followerId: me, followeeId: them }]);
    } finally {
      await consumer.stop();
      await reader.close();
      await service.stop();
      await nats.close();
    }
  }, 90_000);
});

describe('social-graph service with Neo4j down', () => {
  it('a follow is SERVICE_UNAVAILABLE within seconds (not masked as INTERNAL_SERVER_ERROR, not hanging)', async () => {
    const uri = `bolt://127.0.0.1:${await freePort()}`;
    const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const graph = neo4jGraphStores(new Neo4jDb(createNeo4jDriver({ uri }), uniqueName('sg')), { vipThreshold: 10 });
    const [me, them] = [newId(), newId()];
    const service = await startSocialGraphService(config, { graph, users: new MemoryUserDirectory([me, them]), logger });
    try {
      const started = Date.now();
      const res = await call(service, config.INTERNAL_AUTH_SECRET, FOLLOW, { userId: them }, { viewerId: me });
      expect(errorCode(res)).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      await service.stop();
      await graph.close();
    }
  });

  it('start-up fails fast when NEO4J_URI points at nothing', async () => {
    const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', NEO4J_URI: `bolt://127.0.0.1:${await freePort()}` });
    const started = Date.now();
    await expect(startSocialGraphService(config, { logger, users: new MemoryUserDirectory() })).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
