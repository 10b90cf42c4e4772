import { createLogger, newId } from '@social/kit';
import { createEventBus, MemoryEventBus, type EventEnvelope } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { parseSocialGraphConfig, startSocialGraphService } from '../src/server';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { createNeo4jDriver, Neo4jFollowGraph } from '../src/stores/neo4j-follow-graph';
import { call, errorCode } from '../src/testing/http';
import { ENTITIES, FOLLOW, reps } from './harness';
import { freePort } from '../src/testing/ports';

const { neo4jUri, natsUrl } = realServers();
const logger = createLogger('social-graph-test', 'silent');

describe('social-graph service on real Neo4j', () => {
  const prefix = uniqueName('sg');
  const users = new MemoryUserDirectory();
  const bus = new MemoryEventBus();
  const config = parseSocialGraphConfig({
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    NEO4J_URI: neo4jUri,
    NEO4J_LABEL_PREFIX: prefix,
  });
  let service: Awaited<ReturnType<typeof startSocialGraphService>>;

  beforeAll(async () => {
    service = await startSocialGraphService(config, { bus, users, logger });
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
    const driver = createNeo4jDriver({ uri: neo4jUri });
    await driver.executeQuery(`MATCH (n:\`${prefix}User\`) DETACH DELETE n`);
    await driver.executeQuery(`DROP CONSTRAINT \`${prefix}User_id_unique\` IF EXISTS`);
    await driver.close();
  });

  it('follows through GraphQL into Neo4j and reads counts and relations back', async () => {
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
  });

  it('reports Neo4j in /ready', async () => {
    const res = await fetch(service.url.replace('/graphql', '/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checks: { neo4j: 'ok' } });
  });
});

describe('social-graph service publishing to NATS JetStream', () => {
  it('a follow publishes user.followed that a durable consumer receives', async () => {
    const subjectPrefix = `${uniqueName('sg')}.`; // subject prefixes are dot-terminated tokens
    const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', NATS_URL: natsUrl, EVENT_SUBJECT_PREFIX: subjectPrefix });
    const [me, them] = [newId(), newId()];
    const service = await startSocialGraphService(config, { users: new MemoryUserDirectory([me, them]), logger });
    const reader = await createEventBus({ natsUrl, subjectPrefix, logger });
    const received: EventEnvelope[] = [];
    const consumer = await reader.consume({ durable: 'sg-test', subjects: ['user.followed'], handler: async (e) => void received.push(e) });
    try {
      const res = await call(service, config.INTERNAL_AUTH_SECRET, FOLLOW, { userId: them }, { viewerId: me });
      expect(res.data?.['follow']).toMatchObject({ changed: true });
      const event = await eventually(async () => received[0]);
      expect(event).toMatchObject({ subject: 'user.followed', data: { followerId: me, followeeId: them } });
      const ready = await fetch(service.url.replace('/graphql', '/ready'));
      expect(await ready.json()).toMatchObject({ checks: { nats: 'ok' } });
    } finally {
      await consumer.stop();
      await reader.close();
      await service.stop();
    }
  });
});

describe('social-graph service with Neo4j down', () => {
  it('a follow is SERVICE_UNAVAILABLE within seconds (not masked as INTERNAL_SERVER_ERROR, not hanging)', async () => {
    const uri = `bolt://127.0.0.1:${await freePort()}`;
    const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const graph = new Neo4jFollowGraph(createNeo4jDriver({ uri }), uniqueName('sg'));
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
