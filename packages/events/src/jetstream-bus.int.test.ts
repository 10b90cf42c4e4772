import net from 'node:net';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createLogger, newId } from '@social/kit';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { EVENT_VERSION, subjects } from './contracts';
import { CONTRACT_RETRY_DELAY_MS, eventBusContract } from './event-bus.contract';
import { JetStreamEventBus, type JetStreamEventBusOptions } from './jetstream-bus';

const logger = createLogger('events-int-test', 'silent');
const { natsUrl } = realServers();

/** A bus on its own subject prefix and streams, so tests sharing the server never see each other. */
async function isolatedBus(extra: Partial<JetStreamEventBusOptions> = {}) {
  const prefix = `${uniqueName('t')}.`;
  const opts = { servers: natsUrl, subjectPrefix: prefix, logger, retryDelayMs: CONTRACT_RETRY_DELAY_MS, ...extra };
  const bus = await JetStreamEventBus.connect(opts);
  const buses = [bus];
  const peer = async () => {
    const other = await JetStreamEventBus.connect(opts);
    buses.push(other);
    return other;
  };
  const cleanup = async () => {
    for (const b of buses) await b.close();
    const nc = await connect({ servers: natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(bus.streamName);
      await jsm.streams.delete(bus.deadLetterStreamName);
    } finally {
      await nc.close();
    }
  };
  return { bus, prefix, peer, cleanup };
}

eventBusContract('JetStreamEventBus', async () => {
  const { bus, peer, cleanup } = await isolatedBus();
  return { bus, peer, deadLetters: () => bus.deadLetters(), cleanup };
});

describe('JetStreamEventBus', () => {
  it('creates its streams from the contract subjects, deduplicating for two minutes', async () => {
    const { bus, prefix, cleanup } = await isolatedBus();
    try {
      const nc = await connect({ servers: natsUrl });
      try {
        const jsm = await jetstreamManager(nc);
        const { config } = await jsm.streams.info(bus.streamName);
        expect(bus.streamName).toBe(`EVENTS_${prefix.slice(0, -1)}`);
        // One wildcard per first token of the contract subjects (user.*, post.*, comment.*, ...).
        const families = [...new Set(subjects.map((s) => s.split('.')[0]))].map((f) => `${prefix}${f}.>`).sort();
        expect(families).toContain(`${prefix}comment.>`);
        expect(config.subjects.sort()).toEqual(families);
        expect(config.storage).toBe('file');
        expect(config.duplicate_window).toBe(120_000_000_000);
        expect(config.max_age).toBe(7 * 24 * 3600 * 1_000_000_000);
        expect((await jsm.streams.info(bus.deadLetterStreamName)).config.subjects).toEqual([`${prefix}dlq.>`]);
      } finally {
        await nc.close(); // closed even when an expectation fails, or jest never exits
      }
      // A second connect on the same prefix (another instance, a redeploy) accepts the existing streams.
      const again = await JetStreamEventBus.connect({ servers: natsUrl, subjectPrefix: prefix, logger });
      await again.close();
    } finally {
      await cleanup();
    }
  });

  it('dead-letters a message that is not a valid envelope of a known version, without calling the handler', async () => {
    const { bus, prefix, cleanup } = await isolatedBus();
    try {
      const handled: string[] = [];
      const consumer = await bus.consume({ durable: 'feed', subjects: ['user.registered'], handler: async (e) => void handled.push(e.id) });
      const nc = await connect({ servers: natsUrl });
      const js = jetstream(nc);
      const subject = `${prefix}user.registered`;
      const future = {
        id: newId(),
        subject: 'user.registered',
        version: EVENT_VERSION + 1,
        occurredAt: new Date().toISOString(),
        data: {},
      };
      await js.publish(subject, 'not json');
      await js.publish(subject, JSON.stringify(future));
      const good = await bus.publish('user.registered', { userId: newId(), handle: 'ada' });
      await eventually(async () => (handled.length ? true : undefined));
      const letters = await eventually(async () => {
        const l = await bus.deadLetters();
        return l.length >= 2 ? l : undefined;
      });
      expect(handled).toEqual([good.id]);
      expect(letters).toMatchObject([
        { subject: 'dlq.user.registered', durable: 'feed', event: null, raw: 'not json', deliveries: 1 },
        { subject: 'dlq.user.registered', durable: 'feed', event: future, deliveries: 1 },
      ]);
      expect(letters[1]!.error).toMatch(/unsupported version/);
      await consumer.stop();
      await nc.close();
    } finally {
      await cleanup();
    }
  });

  it('dead-letters an event whose last delivery never finished, e.g. its instance died mid-event', async () => {
    const proxy = await tcpProxy(natsUrl);
    const { bus: dying, prefix, cleanup } = await isolatedBus({ servers: proxy.url, ackWaitMs: 1_000 });
    const survivor = await JetStreamEventBus.connect({ servers: natsUrl, subjectPrefix: prefix, logger, ackWaitMs: 1_000 });
    try {
      let died = false;
      await dying.consume({
        durable: 'feed',
        subjects: ['user.registered'],
        maxDeliver: 1,
        handler: async () => {
          await proxy.cut(); // the process is gone before it could ack
          died = true;
        },
      });
      const sent = await survivor.publish('user.registered', { userId: newId(), handle: 'ada' });
      await eventually(async () => (died ? true : undefined));
      const survivorSaw: string[] = [];
      await survivor.consume({
        durable: 'feed',
        subjects: ['user.registered'],
        maxDeliver: 1,
        handler: async (e) => void survivorSaw.push(e.id),
      });
      const [letter] = await eventually(async () => {
        const l = await survivor.deadLetters();
        return l.length ? l : undefined;
      });
      expect(letter).toMatchObject({ durable: 'feed', event: sent, deliveries: 2 });
      expect(letter!.error).toMatch(/never finished/);
      expect(survivorSaw).toEqual([]);
    } finally {
      await survivor.close();
      await cleanup();
    }
  });

  it('fails to connect quickly when nothing listens at the address', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(JetStreamEventBus.connect({ servers: `nats://127.0.0.1:${port}`, logger })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects a publish within its timeout while NATS is unreachable, instead of hanging', async () => {
    // The bus talks to NATS through a proxy we can cut: after that the client is reconnecting to a
    // port where nothing listens, which is what a NATS outage looks like from a service.
    const proxy = await tcpProxy(natsUrl);
    const { bus, cleanup } = await isolatedBus({ servers: proxy.url, publishTimeoutMs: 500 });
    try {
      await bus.publish('user.registered', { userId: newId(), handle: 'before' });
      await proxy.cut();
      const started = Date.now();
      await expect(bus.publish('user.registered', { userId: newId(), handle: 'during' })).rejects.toThrow(/failed/);
      await expect(bus.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await cleanup();
    }
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Forwards TCP to the NATS server until cut(): then closes every connection and stops listening. */
async function tcpProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    url: `nats://127.0.0.1:${listening}`,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
