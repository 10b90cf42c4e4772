/**
 * A counter flusher in its own process, for the crash test: it flushes once and, at the point named
 * by CRASH_AT, prints "AT <point>" and waits to be killed (SIGKILL: no cleanup, no finally blocks).
 */
import { createLogger } from '@social/kit';
import { connectMongo } from '../../src/stores/mongo-connection';
import { MongoPostStore } from '../../src/stores/mongo-post-store';
import { RedisCounterStore } from '../../src/stores/redis-counter-store';
import { CounterFlusher } from '../../src/workers/counter-flusher';

async function main() {
  const env = process.env;
  const point = env['CRASH_AT'];
  const connection = await connectMongo(env['MONGODB_URI']!, env['MONGODB_DB']!);
  const posts = await MongoPostStore.open(connection);
  const counters = await RedisCounterStore.connect({ url: env['REDIS_URL']!, keyPrefix: env['REDIS_KEY_PREFIX']! });
  const stopHere = (at: string) => async () => {
    if (at !== point) return;
    process.stdout.write(`AT ${at}\n`);
    await new Promise(() => undefined); // until SIGKILL
  };
  const flusher = new CounterFlusher(counters, posts, {
    lockTtlMs: Number(env['FLUSH_LOCK_TTL_MS']),
    batchSize: 50,
    logger: createLogger('flusher-child', 'silent'),
    hooks: { afterOpen: stopHere('afterOpen'), afterWrite: stopHere('afterWrite') },
  });
  await flusher.flushOnce();
  process.stdout.write('DONE\n');
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
