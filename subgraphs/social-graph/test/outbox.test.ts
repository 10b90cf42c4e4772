import { createLogger } from '@social/kit';
import { MemoryEventBus, type EventEnvelope } from '@social/events';
import { eventually } from '@social/test-kit';
import { FlakyBus } from '../src/testing/flaky-bus';
import { memoryGraphStores } from '../src/stores/graph-stores';
import { MemoryRelationshipCache } from '../src/stores/memory-relationship-cache';
import { OutboxRelay } from '../src/workers/outbox-relay';
import { BLOCK, FOLLOW, SUBJECTS, startHarness, type Harness } from './harness';

const logger = createLogger('social-graph-test', 'silent');

describe('the outbox: events are committed with the change and published by the relay', () => {
  let h: Harness;
  let flaky: FlakyBus;
  const received: EventEnvelope[] = [];
  beforeAll(async () => {
    const inner = new MemoryEventBus();
    flaky = new FlakyBus(inner);
    await inner.consume({ durable: 'watch', subjects: [...SUBJECTS], handler: async (e) => void received.push(e) });
    h = await startHarness({ bus: flaky });
  });
  afterAll(async () => {
    await h.stop();
    await flaky.close();
  });

  const deliveredOf = (id: string) => received.filter((e) => e.id === id).length;

  it('a failing bus does not fail the follow; the record stays until the bus recovers, then arrives exactly once', async () => {
    const [me, them] = h.people(2) as [string, string];
    flaky.down = true;
    const res = await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    expect(res.errors).toBeUndefined();
    expect(res.data?.['follow']).toMatchObject({ changed: true, user: { followerCount: 1 } });
    await expect(h.runtime.relay.drain()).rejects.toThrow(/bus down/);
    const [record] = await h.stores.outbox.pending(10);
    expect(record).toMatchObject({ subject: 'user.followed', payload: { followerId: me, followeeId: them } });

    flaky.down = false;
    await eventually(async () => (deliveredOf(record!.id) === 1 ? true : undefined)); // the relay's own retry
    expect(await h.stores.outbox.pending(10)).toEqual([]);
    h.runtime.relay.kick();
    await h.runtime.relay.drain();
    const event = received.find((e) => e.id === record!.id);
    expect(event).toMatchObject({ subject: 'user.followed', data: { followerId: me, followeeId: them } });
    // The time of the follow, not of the late publish: the feed orders a pair's follow and unfollow by it.
    expect(event!.occurredAt).toBe(record!.createdAt.toISOString());
    expect(deliveredOf(record!.id)).toBe(1);
  });

  it('a crash after the PubAck and before the delete republishes the same id; the duplicate is dropped', async () => {
    const [me, them] = h.people(2) as [string, string];
    const remove = jest.spyOn(h.stores.outbox, 'remove').mockRejectedValueOnce(new Error('crashed before the delete'));
    const publish = jest.spyOn(flaky, 'publish');
    try {
      await h.gql(FOLLOW, { userId: them }, { viewerId: me });
      // The relay publishes, fails to delete, retries: the same record is published a second time...
      await eventually(async () => (remove.mock.calls.length >= 2 && (await h.stores.outbox.pending(10)).length === 0 ? true : undefined));
      const ids = publish.mock.calls.map((c) => c[2]?.id);
      const id = ids[0]!;
      expect(ids.filter((x) => x === id)).toHaveLength(2);
      // ...and delivered once: the bus drops a message id it has already stored.
      await eventually(async () => (deliveredOf(id) === 1 ? true : undefined));
      await h.runtime.relay.drain();
      expect(deliveredOf(id)).toBe(1);
    } finally {
      remove.mockRestore();
      publish.mockRestore();
    }
  });

  it('a block publishes user.blocked and one user.unfollowed per removed follow, in commit order', async () => {
    const [me, them] = h.people(2) as [string, string];
    await h.gql(FOLLOW, { userId: them }, { viewerId: me });
    await h.gql(FOLLOW, { userId: me }, { viewerId: them });
    const res = await h.gql(BLOCK, { userId: them }, { viewerId: me });
    expect(res.data?.['block']).toMatchObject({ changed: true });
    await h.settled();
    const mine = () =>
      received.filter((e) => JSON.stringify(e.data).includes(me) && JSON.stringify(e.data).includes(them)).map((e) => e.subject);
    await eventually(async () => (mine().length === 5 ? true : undefined));
    expect(mine()).toEqual(['user.followed', 'user.followed', 'user.blocked', 'user.unfollowed', 'user.unfollowed']);
  });
});

describe('the relay on start', () => {
  it('publishes what an earlier process committed but never published', async () => {
    const stores = memoryGraphStores({ vipThreshold: 10 });
    const bus = new MemoryEventBus();
    const received: EventEnvelope[] = [];
    await bus.consume({ durable: 'watch', subjects: ['user.followed'], handler: async (e) => void received.push(e) });
    // The "earlier process": committed a follow (and its record), then died before publishing.
    const { events } = await stores.follows.follow('64b000000000000000000001', '64b000000000000000000002', new Date());
    const cache = new MemoryRelationshipCache();
    const relay = new OutboxRelay({ outbox: stores.outbox, bus, cache, logger, pollMs: 60_000 });
    relay.start();
    try {
      await eventually(async () => (received.length === 1 ? true : undefined));
      expect(received[0]!.id).toBe(events[0]!.id);
      expect(await stores.outbox.pending(10)).toEqual([]);
    } finally {
      await relay.stop();
      await bus.close();
    }
  });
});

describe('a record that breaks its event contract', () => {
  it('is logged and dropped instead of holding back the events behind it', async () => {
    const stores = memoryGraphStores({ vipThreshold: 10 });
    const bus = new MemoryEventBus();
    const received: EventEnvelope[] = [];
    await bus.consume({ durable: 'watch', subjects: ['user.followed'], handler: async (e) => void received.push(e) });
    const [bad] = (await stores.follows.follow('64b000000000000000000001', '64b000000000000000000002', new Date())).events;
    (bad!.payload as { followerId: string }).followerId = 'not-an-id'; // as if the contract had changed under it
    const good = (await stores.follows.follow('64b000000000000000000003', '64b000000000000000000002', new Date())).events[0]!;
    const relay = new OutboxRelay({ outbox: stores.outbox, bus, cache: new MemoryRelationshipCache(), logger, pollMs: 60_000 });
    try {
      expect(await relay.drain()).toBe(2);
      await eventually(async () => (received.length === 1 ? true : undefined));
      expect(received[0]!.id).toBe(good.id);
      expect(await stores.outbox.pending(10)).toEqual([]);
    } finally {
      await relay.stop();
      await bus.close();
    }
  });
});
