import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '@social/kit';
import { JetStreamEventBus, MemoryLiveBus } from '@social/events';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { parseNotificationConfig, startNotificationService, type NotificationRunningService } from '../src/server';
import { connectMongo } from '../src/stores/mongo-connection';
import { MongoNotificationStore } from '../src/stores/mongo-notification-store';
import { mixedScenario } from './scenario';
import { SECRET } from './harness';

const { mongodbUri, natsUrl } = realServers();
const ACK_WAIT_MS = 1_500; // how soon the server hands the dead consumer's unacknowledged events to the next one
const logger = createLogger('crash-test', 'silent');

const children = new Set<ChildProcess>();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
  for (const close of closers.splice(0).reverse()) await close();
});

/** Starts the consumer in a child process and SIGKILLs it once it has stored `writes` group writes. */
async function killConsumerAfter(writes: number, env: Record<string, string>): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@social/source', path.join(__dirname, 'support', 'consumer-child.ts')],
    {
      env: { ...process.env, ...env, CRASH_AFTER_WRITES: String(writes) },
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
      if (out.includes('AT crash')) resolve();
    });
    child.once('exit', () => reject(new Error(`consumer child exited before crashing: ${out}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('the consumer process killed mid-stream (real JetStream and MongoDB)', () => {
  it('loses nothing and counts nothing twice once a consumer runs again', async () => {
    const s = mixedScenario(Date.now());
    const [author] = s.recipients;
    const env = {
      NODE_ENV: 'test',
      INTERNAL_AUTH_SECRET: SECRET,
      MONGODB_URI: mongodbUri,
      MONGODB_DB: uniqueName('notification'),
      NATS_URL: natsUrl,
      EVENT_SUBJECT_PREFIX: `${uniqueName('ncrash')}.`,
      ACK_WAIT_MS: String(ACK_WAIT_MS),
      CONSUMER_CONCURRENCY: '2', // few in flight: the crash lands mid-stream, not after one big write
      RETENTION_INTERVAL_MS: '0',
    };
    const publisher = await JetStreamEventBus.connect({ servers: natsUrl, subjectPrefix: env.EVENT_SUBJECT_PREFIX, logger });
    closers.push(() => publisher.close());
    for (const e of s.events) await publisher.publish(e.subject, e.data, { id: e.id });

    await killConsumerAfter(2, env);
    const connection = await connectMongo(mongodbUri, env.MONGODB_DB);
    closers.push(() => connection.close());
    const store = await MongoNotificationStore.open(connection);
    expect(await store.countVisibleAfter(author!, null)).toBeLessThan(4); // the dead consumer got part way

    const bus = await JetStreamEventBus.connect({
      servers: natsUrl,
      subjectPrefix: env.EVENT_SUBJECT_PREFIX,
      logger,
      ackWaitMs: ACK_WAIT_MS,
    });
    closers.push(() => bus.close());
    const service: NotificationRunningService = await startNotificationService(
      parseNotificationConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' }),
      {
        bus,
        live: new MemoryLiveBus(),
        logger,
      },
    );
    closers.push(() => service.stop());
    const expected = [
      ['COMMENT', 1],
      ['FOLLOW', 1],
      ['LIKE', 19],
      ['MENTION', 1],
    ];
    const groups = await eventually(async () => {
      const got = await store.listVisible(author!, 100);
      const shape = got.map((g) => [g.kind, g.actorCount]).sort();
      return JSON.stringify(shape) === JSON.stringify(expected) ? got : undefined;
    }, 20_000);
    const like = groups.find((g) => g.kind === 'LIKE')!;
    expect(like.members.filter((m) => m.present)).toHaveLength(19);
    expect(new Set(like.members.map((m) => m.userId)).size).toBe(like.members.length); // nobody twice
  });
});
