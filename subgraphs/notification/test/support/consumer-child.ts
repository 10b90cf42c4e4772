/**
 * The notification service in its own process, for the crash test: it consumes from JetStream into
 * MongoDB and, after CRASH_AFTER_WRITES group writes, prints "AT crash" and stops making progress
 * (the write is stored, its events are never acknowledged) until the parent SIGKILLs it.
 */
import { createLogger } from '@social/kit';
import { JetStreamEventBus, MemoryLiveBus } from '@social/events';
import { parseNotificationConfig, startNotificationService } from '../../src/server';
import { connectMongo } from '../../src/stores/mongo-connection';
import { MongoNotificationStore } from '../../src/stores/mongo-notification-store';
import type { GroupRecord, NotificationStore } from '../../src/stores/notification-store';

async function main() {
  const env = process.env;
  const logger = createLogger('consumer-child', 'silent');
  const crashAfter = Number(env['CRASH_AFTER_WRITES']);
  const connection = await connectMongo(env['MONGODB_URI']!, env['MONGODB_DB']!);
  const real = await MongoNotificationStore.open(connection);
  let writes = 0;
  const store: NotificationStore = Object.create(real) as NotificationStore;
  store.saveGroups = async (groups: readonly GroupRecord[]) => {
    await real.saveGroups(groups);
    if (++writes === crashAfter) {
      process.stdout.write('AT crash\n');
      await new Promise(() => undefined); // until SIGKILL
    }
  };
  const bus = await JetStreamEventBus.connect({
    servers: env['NATS_URL']!,
    subjectPrefix: env['EVENT_SUBJECT_PREFIX']!,
    logger,
    ackWaitMs: Number(env['ACK_WAIT_MS']),
  });
  await startNotificationService(parseNotificationConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' }), {
    bus,
    store,
    live: new MemoryLiveBus(),
    logger,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
