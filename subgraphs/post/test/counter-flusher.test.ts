import { createLogger, newId } from '@social/kit';
import { MemoryCounterStore } from '../src/stores/memory-counter-store';
import { MemoryPostStore } from '../src/stores/memory-post-store';
import { CounterFlusher } from '../src/workers/counter-flusher';
import { COUNTS, LIKE, UNLIKE, createPosts, startHarness, type Harness } from './harness';

/** Which hook throws, standing in for the process dying at that point (the int test kills a real process). */
let crashAt: 'afterOpen' | 'afterWrite' | null = null;
const crash = (point: 'afterOpen' | 'afterWrite') => () => {
  if (crashAt === point) throw new Error(`simulated crash ${point}`);
};

let h: Harness;
beforeEach(async () => {
  crashAt = null;
  h = await startHarness({ flushHooks: { afterOpen: crash('afterOpen'), afterWrite: crash('afterWrite') } });
});
afterEach(async () => {
  await h.stop();
});

const likeCount = async (post: string) => (await h.gql(COUNTS, { id: post })).data.post.likeCount;
const stored = async (post: string) => (await h.store.findCounts([post]))[0]!.counts;

describe.each(['afterOpen', 'afterWrite'] as const)('a flusher that dies %s', (point) => {
  it('loses nothing and counts nothing twice; the next flush finishes the flight first', async () => {
    const [a, b] = await createPosts(h, newId(), 2);
    for (let i = 0; i < 3; i++) await h.gql(LIKE, { p: a }, newId());
    await h.gql(LIKE, { p: b }, newId());

    crashAt = point;
    await expect(h.service.workers.flushNow()).rejects.toThrow(/simulated crash/);
    crashAt = null;
    expect(await h.counters.openFlights()).toHaveLength(1);
    expect((await stored(a!)).likes).toBe(point === 'afterWrite' ? 3 : 0);
    expect(await likeCount(a!)).toBe(3); // reads stay exact with a flight left open

    await h.gql(LIKE, { p: a }, newId()); // new activity after the crash goes to a fresh live set
    const result = await h.service.workers.flushNow();
    expect(result.flights).toHaveLength(2); // the leftover, then the new one
    expect(await h.counters.openFlights()).toEqual([]);
    expect(await stored(a!)).toMatchObject({ likes: 4 });
    expect(await stored(b!)).toMatchObject({ likes: 1 });
    expect(await likeCount(a!)).toBe(4);
  });
});

describe('counts', () => {
  it('decrement on unlike through a flush and never go below zero', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const alice = newId();
    await h.gql(LIKE, { p: post }, alice);
    await h.service.workers.flushNow();
    await h.gql(UNLIKE, { p: post }, alice);
    expect(await likeCount(post!)).toBe(0);
    await h.service.workers.flushNow();
    expect((await stored(post!)).likes).toBe(0);

    // A lost +1 (e.g. Redis restarted) followed by the unlike's -1 would read -1: clamped to 0.
    await h.store.adjustCounts(post!, { likes: -1 });
    expect(await likeCount(post!)).toBe(0);
  });
});

describe('CounterFlusher', () => {
  const logger = createLogger('flusher-test', 'silent');

  it('lets one flusher at a time hold the lock', async () => {
    const counters = new MemoryCounterStore();
    const posts = new MemoryPostStore();
    const post = await posts.create({ authorId: newId(), text: 'x' });
    await counters.increment(post.id, 'likes', 1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = new CounterFlusher(counters, posts, { lockTtlMs: 10_000, batchSize: 50, logger, hooks: { afterOpen: () => held } });
    const other = new CounterFlusher(counters, posts, { lockTtlMs: 10_000, batchSize: 50, logger });
    const first = slow.flushOnce();
    await new Promise((r) => setImmediate(r));
    expect((await other.flushOnce()).status).toBe('locked');
    release();
    expect((await first).status).toBe('flushed');
    expect((await posts.findCounts([post.id]))[0]!.counts.likes).toBe(1);
  });

  it('reports a lost store (a new epoch) and calls onDataLoss once', async () => {
    const counters = new MemoryCounterStore();
    const onDataLoss = jest.fn(async () => undefined);
    const flusher = new CounterFlusher(counters, new MemoryPostStore(), { lockTtlMs: 10_000, batchSize: 50, logger, onDataLoss });
    expect((await flusher.flushOnce()).dataLoss).toBe(true); // the first check starts the epoch
    expect((await flusher.flushOnce()).dataLoss).toBe(false);
    expect(onDataLoss).toHaveBeenCalledTimes(1);
  });

  it('writes a flight in chunks, stops when another flusher took the lock, and the next one resumes after the written chunks', async () => {
    const counters = new MemoryCounterStore();
    const posts = new MemoryPostStore();
    const created = await Promise.all(Array.from({ length: 7 }, () => posts.create({ authorId: newId(), text: 'x' })));
    for (const p of created) await counters.increment(p.id, 'views', 1);
    let chunks = 0;
    const stealAfterFirstChunk = async () => {
      if (++chunks > 1) return;
      await new Promise((r) => setTimeout(r, 30)); // a long pause: the 20 ms lock expires...
      expect(await counters.acquireFlushLock(60_000)).not.toBeNull(); // ...and another flusher takes it
    };
    const slow = new CounterFlusher(counters, posts, { lockTtlMs: 20, batchSize: 3, logger, hooks: { afterWrite: stealAfterFirstChunk } });
    await expect(slow.flushOnce()).rejects.toThrow(/lost its lock/);
    const [left] = await counters.openFlights();
    expect(left!.deltas.size).toBe(4); // the first chunk of 3 is written and dropped from the flight

    Object.assign(counters, { lock: null }); // the other flusher finished (its lock released)
    const apply = jest.spyOn(posts, 'applyCounterFlush');
    const next = new CounterFlusher(counters, posts, { lockTtlMs: 10_000, batchSize: 3, logger });
    expect(await next.flushOnce()).toMatchObject({ status: 'flushed', posts: 4 });
    expect(apply.mock.calls.map((c) => c[1].size)).toEqual([3, 1]);
    const stored = await posts.findCounts(created.map((p) => p.id));
    expect(stored.map((r) => r.counts.views)).toEqual(Array(7).fill(1));
  });
});
