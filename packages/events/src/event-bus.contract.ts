import { newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import type { Consumer, ConsumeOptions, DeadLetter, EventBus } from './bus';
import { EVENT_VERSION, type EventEnvelope, type Subject } from './contracts';

export interface EventBusUnderTest {
  bus: EventBus;
  /** Another bus on the same event log, as a second instance of a service has (memory: the same bus). */
  peer(): Promise<EventBus>;
  /** What has been dead-lettered so far, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Closes the buses and removes what the test created. */
  cleanup(): Promise<void>;
}

/** Retry delays the implementations under test must be configured with, so retries take milliseconds. */
export const CONTRACT_RETRY_DELAY_MS = 20;

const registered = (handle = 'ada') => ({ userId: newId(), handle });
const followed = () => ({ followerId: newId(), followeeId: newId() });

/** Records what a handler saw; `fail` decides per event whether this delivery throws. */
function recorder(fail: (event: EventEnvelope, attempt: number) => boolean = () => false) {
  const handled: EventEnvelope[] = [];
  const attempts = new Map<string, number>();
  const handler = async (event: EventEnvelope) => {
    const attempt = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, attempt);
    if (fail(event, attempt)) throw new Error(`handler failed on attempt ${attempt}`);
    handled.push(event);
  };
  const ids = () => handled.map((e) => e.id);
  const waitFor = (n: number) => eventually(async () => (handled.length >= n ? handled.slice() : undefined));
  return { handled, attempts, handler, ids, waitFor };
}

/**
 * What every EventBus must do, run against MemoryEventBus (unit tier) and JetStreamEventBus (int tier).
 * Assertions never wait for "nothing happened": they publish a later event and rely on per-durable
 * stream order, or on dead-lettering (which comes after the last delivery).
 */
export function eventBusContract(name: string, make: () => Promise<EventBusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let t: EventBusUnderTest;
    let consumers: Consumer[];
    const consume = async (opts: ConsumeOptions, bus: EventBus = t.bus) => {
      const c = await bus.consume(opts);
      consumers.push(c);
      return c;
    };

    beforeEach(async () => {
      t = await make();
      consumers = [];
    });
    afterEach(async () => {
      for (const c of consumers) await c.stop();
      await t.cleanup();
    });

    it('delivers a published event to a consumer with its envelope intact', async () => {
      const r = recorder();
      await consume({ durable: 'feed', subjects: ['user.registered'], handler: r.handler });
      const sent = await t.bus.publish('user.registered', registered());
      expect(sent).toMatchObject({ subject: 'user.registered', version: EVENT_VERSION });
      expect(sent.id).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(sent.occurredAt).toISOString()).toBe(sent.occurredAt);
      const [received] = await r.waitFor(1);
      expect(received).toEqual(sent);
    });

    it('keeps the time of the fact an outbox gives when it re-publishes later', async () => {
      const r = recorder();
      await consume({ durable: 'feed', subjects: ['user.registered'], handler: r.handler });
      const wroteAt = new Date(Date.now() - 60_000);
      const sent = await t.bus.publish('user.registered', registered(), { occurredAt: wroteAt });
      expect(sent.occurredAt).toBe(wroteAt.toISOString());
      const [received] = await r.waitFor(1);
      expect(received!.occurredAt).toBe(wroteAt.toISOString());
    });

    it('rejects a payload that breaks its contract', async () => {
      await expect(t.bus.publish('user.registered', { userId: 'not-an-id', handle: 'x' })).rejects.toThrow(/user\.registered/);
    });

    it('delivers each event to every durable', async () => {
      const a = recorder();
      const b = recorder();
      await consume({ durable: 'feed', subjects: ['user.registered'], handler: a.handler });
      await consume({ durable: 'search', subjects: ['user.registered'], handler: b.handler });
      const sent = await t.bus.publish('user.registered', registered());
      expect((await a.waitFor(1)).map((e) => e.id)).toEqual([sent.id]);
      expect((await b.waitFor(1)).map((e) => e.id)).toEqual([sent.id]);
    });

    it('splits the work of one durable between the instances attached to it', async () => {
      const r = recorder();
      const peer = await t.peer();
      await consume({ durable: 'feed', subjects: ['user.followed'], handler: r.handler });
      await consume({ durable: 'feed', subjects: ['user.followed'], handler: r.handler }, peer);
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push((await t.bus.publish('user.followed', followed())).id);
      await r.waitFor(20);
      // Every event handled, none twice; the ack lands before any redelivery could happen.
      expect(r.ids().sort()).toEqual(sent.sort());
    });

    it('delivers a publish repeated with the same id once', async () => {
      const r = recorder();
      await consume({ durable: 'feed', subjects: ['user.registered'], handler: r.handler });
      const id = newId();
      const data = registered();
      await t.bus.publish('user.registered', data, { id });
      await t.bus.publish('user.registered', data, { id });
      const after = await t.bus.publish('user.registered', registered('grace'));
      await eventually(async () => (r.ids().includes(after.id) ? true : undefined));
      expect(r.ids()).toEqual([id, after.id]);
    });

    it('retries a handler that throws until it succeeds', async () => {
      const r = recorder((_, attempt) => attempt < 3);
      await consume({ durable: 'feed', subjects: ['user.registered'], maxDeliver: 5, handler: r.handler });
      const sent = await t.bus.publish('user.registered', registered());
      await r.waitFor(1);
      expect(r.ids()).toEqual([sent.id]);
      expect(r.attempts.get(sent.id)).toBe(3);
    });

    it('gives up after maxDeliver deliveries, dead-letters the event and goes on with the next ones', async () => {
      const r = recorder((event) => (event.data as { handle?: string }).handle === 'poison');
      await consume({ durable: 'feed', subjects: ['user.registered'], maxDeliver: 3, handler: r.handler });
      const poison = await t.bus.publish('user.registered', registered('poison'));
      const next = await t.bus.publish('user.registered', registered('next'));
      const [ok] = await r.waitFor(1);
      expect(ok!.id).toBe(next.id);
      const [letter] = await eventually(async () => {
        const letters = await t.deadLetters();
        return letters.length ? letters : undefined;
      });
      expect(letter).toMatchObject({ subject: 'dlq.user.registered', durable: 'feed', event: poison, deliveries: 3 });
      expect(letter!.error).toMatch(/attempt 3/);
      expect(r.attempts.get(poison.id)).toBe(3);
      expect(r.ids()).toEqual([next.id]);
    });

    it('delivers events published before a durable first attaches', async () => {
      const first = await t.bus.publish('user.registered', registered('first'));
      const second = await t.bus.publish('user.registered', registered('second'));
      const r = recorder();
      await consume({ durable: 'late', subjects: ['user.registered'], handler: r.handler });
      await r.waitFor(2);
      expect(r.ids()).toEqual([first.id, second.id]);
    });

    it('delivers only the subjects a consumer asked for', async () => {
      const r = recorder();
      await consume({ durable: 'follows', subjects: ['user.followed', 'user.unfollowed'], handler: r.handler });
      await t.bus.publish('post.created', { postId: newId(), authorId: newId(), createdAt: new Date().toISOString() });
      await t.bus.publish('user.registered', registered());
      const f = await t.bus.publish('user.followed', followed());
      const u = await t.bus.publish('user.unfollowed', followed());
      await r.waitFor(2);
      expect(r.handled.map((e) => [e.id, e.subject])).toEqual([
        [f.id, 'user.followed'],
        [u.id, 'user.unfollowed'],
      ] satisfies [string, Subject][]);
    });

    it('stops delivering to a consumer once stop() resolved', async () => {
      const a = recorder();
      const consumerA = await consume({ durable: 'feed', subjects: ['user.registered'], handler: a.handler });
      const e1 = await t.bus.publish('user.registered', registered('one'));
      await a.waitFor(1);
      await consumerA.stop();
      const e2 = await t.bus.publish('user.registered', registered('two'));
      // A second instance on the same durable gets what the stopped one no longer takes.
      const b = recorder();
      await consume({ durable: 'feed', subjects: ['user.registered'], handler: b.handler });
      await b.waitFor(1);
      expect(b.ids()).toEqual([e2.id]);
      expect(a.ids()).toEqual([e1.id]);
    });

    it('answers ping while open and refuses publishes once closed', async () => {
      await expect(t.bus.ping()).resolves.toBeUndefined();
      await t.bus.close();
      await expect(t.bus.ping()).rejects.toThrow();
      await expect(t.bus.publish('user.registered', registered())).rejects.toThrow(/closed/);
    });
  });
}
