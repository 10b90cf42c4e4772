import mongoose from 'mongoose';
import { createLogger } from '@social/kit';
import { createEventBus, type EventEnvelope, type EventBus } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import {
  LOGIN,
  PASSWORD,
  REFRESH,
  REGISTER,
  errorOf,
  register,
  startTestService,
  uniqueHandle,
  type AuthPayload,
  type TestService,
} from './helpers';

/** The whole service on FerretDB/MongoDB and NATS JetStream, as it runs in real mode. */
describe('user service on real servers', () => {
  const servers = realServers();
  const dbName = uniqueName('user');
  const prefix = `${uniqueName('user')}.`;
  let t: TestService;
  let observer: EventBus;

  beforeAll(async () => {
    // No deps.bus: the service builds its own JetStream bus from NATS_URL, as in production.
    t = await startTestService({
      MONGODB_URI: servers.mongodbUri,
      MONGODB_DB: dbName,
      NATS_URL: servers.natsUrl,
      EVENT_SUBJECT_PREFIX: prefix,
    });
    observer = await createEventBus({ natsUrl: servers.natsUrl, subjectPrefix: prefix, logger: createLogger('observer', 'silent') });
  });
  afterAll(async () => {
    await t?.stop();
    await observer?.close();
    const conn = await mongoose.createConnection(servers.mongodbUri, { dbName }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('is ready once MongoDB and the event bus answer', async () => {
    const res = await fetch(t.service.url.replace('/graphql', '/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checks: { mongodb: 'ok', events: 'ok' } });
  });

  it('of two concurrent registrations of one handle, stores one user and answers the other with CONFLICT', async () => {
    const handle = uniqueHandle();
    const results = await Promise.all(
      [handle, handle.toUpperCase()].map((h, i) =>
        t.gql(REGISTER, { input: { handle: h, email: `${handle}-${i}@example.com`, password: PASSWORD } }),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(errorOf(results.find((r) => r.errors)!)).toMatchObject({ code: 'CONFLICT', field: 'handle' });

    const conn = await mongoose.createConnection(servers.mongodbUri, { dbName }).asPromise();
    try {
      expect(await conn.db!.collection('users').countDocuments({ handleLower: handle.toLowerCase() })).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('registers, publishes user.registered, logs in, rotates and detects reuse', async () => {
    const received: EventEnvelope<'user.registered'>[] = [];
    const consumer = await observer.consume({
      durable: 'user-int-test',
      subjects: ['user.registered'],
      handler: async (event) => void received.push(event as EventEnvelope<'user.registered'>),
    });
    try {
      const registered = await register(t);
      const event = await eventually(async () => received.find((e) => e.data.userId === registered.user.id));
      expect(event.data).toEqual({ userId: registered.user.id, handle: registered.user.handle });

      const login = await t.gql<{ login: AuthPayload }>(LOGIN, {
        input: { handleOrEmail: registered.user.handle.toUpperCase(), password: PASSWORD },
      });
      expect(login.data!.login.user).toEqual(registered.user);
      const rotated = await t.gql<{ refreshToken: AuthPayload }>(REFRESH, { t: registered.refreshToken });
      expect(rotated.errors).toBeUndefined();
      expect(errorOf(await t.gql(REFRESH, { t: registered.refreshToken })).code).toBe('UNAUTHENTICATED');
      expect(errorOf(await t.gql(REFRESH, { t: rotated.data!.refreshToken.refreshToken })).code).toBe('UNAUTHENTICATED');
      // The login's session is another family and still works.
      expect((await t.gql(REFRESH, { t: login.data!.login.refreshToken })).errors).toBeUndefined();
    } finally {
      await consumer.stop();
    }
  });

  it('of two concurrent refreshes with one token, at most one succeeds, and the session ends (a reuse)', async () => {
    for (let round = 0; round < 5; round++) {
      const { refreshToken } = await register(t);
      const results = await Promise.all([1, 2].map(() => t.gql<{ refreshToken: AuthPayload }>(REFRESH, { t: refreshToken })));
      const winners = results.filter((r) => !r.errors);
      expect(winners.length).toBeLessThanOrEqual(1);
      expect(results.filter((r) => r.errors).map((r) => errorOf(r).code)).toContain('UNAUTHENTICATED');
      for (const winner of winners) {
        expect(errorOf(await t.gql(REFRESH, { t: winner.data!.refreshToken.refreshToken })).code).toBe('UNAUTHENTICATED');
      }
    }
  });
});
