import { newId } from '@social/kit';
import type { CounterStore } from './counter-store';

export interface CounterStoreHandle {
  store: CounterStore;
  close?: () => Promise<void>;
}

/** The behaviour every CounterStore must have, on memory (unit) and on real Redis (int). */
export function counterStoreContract(name: string, make: () => Promise<CounterStoreHandle>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let handle: CounterStoreHandle;
    let store: CounterStore;
    beforeEach(async () => {
      handle = await make();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close?.();
    });

    it('accumulates increments and views per post and field, and reports only the posts asked for', async () => {
      const [a, b, c] = [newId(), newId(), newId()];
      await store.increment(a, 'likes', 1);
      await store.increment(a, 'likes', 1);
      await store.increment(a, 'comments', 1);
      await store.increment(b, 'likes', -1);
      await store.addViews([a, b]);
      await store.addViews([a]);
      await store.increment(c, 'likes', 5);
      const pending = await store.pending([a, b, newId()]);
      expect(pending.flights).toEqual([]);
      expect(pending.live).toEqual(
        new Map([
          [a, { likes: 2, comments: 1, views: 2 }],
          [b, { likes: -1, views: 1 }],
        ]),
      );
      expect(await store.pending([])).toEqual({ live: new Map(), flights: [], applied: new Set() });
    });

    it('applies an increment with a dedupe id at most once', async () => {
      const post = newId();
      const id = newId();
      expect(await store.increment(post, 'likes', 1, id)).toBe(true);
      expect(await store.increment(post, 'likes', 1, id)).toBe(false);
      expect(await store.increment(post, 'likes', 1, newId())).toBe(true);
      expect((await store.pending([post])).live.get(post)).toEqual({ likes: 2 });
      const other = newId();
      expect((await store.pending([post], [id, other])).applied).toEqual(new Set([id]));
      expect((await store.pending([], [other])).applied).toEqual(new Set());
    });

    it('moves live deltas into a flight atomically; new increments start a fresh live set', async () => {
      const [a, b] = [newId(), newId()];
      expect(await store.openFlight(newId())).toBeNull(); // nothing pending
      await store.increment(a, 'likes', 3);
      await store.addViews([b]);
      const f1 = newId();
      expect(await store.openFlight(f1)).toEqual(
        new Map([
          [a, { likes: 3 }],
          [b, { views: 1 }],
        ]),
      );
      await store.increment(a, 'likes', 1);
      const pending = await store.pending([a, b]);
      expect(pending.live).toEqual(new Map([[a, { likes: 1 }]]));
      expect(pending.flights).toEqual([
        {
          id: f1,
          deltas: new Map([
            [a, { likes: 3 }],
            [b, { views: 1 }],
          ]),
        },
      ]);

      expect(await store.openFlights()).toEqual([
        {
          id: f1,
          deltas: new Map([
            [a, { likes: 3 }],
            [b, { views: 1 }],
          ]),
        },
      ]);
      await store.forgetFlightPosts(f1, [a]); // written: a retry resumes with b
      expect(await store.openFlights()).toEqual([{ id: f1, deltas: new Map([[b, { views: 1 }]]) }]);
      await store.closeFlight(f1);
      expect(await store.openFlights()).toEqual([]);
      expect((await store.pending([a])).flights).toEqual([]);
    });

    it('gives the flush lock to one holder until released or expired', async () => {
      const token = await store.acquireFlushLock(10_000);
      expect(token).toEqual(expect.any(String));
      expect(await store.acquireFlushLock(10_000)).toBeNull();
      await store.releaseFlushLock('not-the-token');
      expect(await store.acquireFlushLock(10_000)).toBeNull();
      expect(await store.extendFlushLock(token!, 10_000)).toBe(true);
      expect(await store.extendFlushLock('not-the-token', 10_000)).toBe(false);
      await store.releaseFlushLock(token!);
      const short = await store.acquireFlushLock(1);
      expect(short).not.toBeNull();
      await new Promise((r) => setTimeout(r, 20)); // the lock's own expiry is what is under test
      const other = await store.acquireFlushLock(10_000);
      expect(other).not.toBeNull();
      expect(await store.extendFlushLock(short!, 10_000)).toBe(false); // expired and taken by another
      await store.releaseFlushLock(other!);
      expect(await store.extendFlushLock(short!, 10_000)).toBe(true); // expired but free: taken again
      expect(await store.acquireFlushLock(10_000)).toBeNull();
    });

    it('reports a new epoch once, then an unbroken one', async () => {
      expect(await store.checkEpoch()).toBe(false);
      expect(await store.checkEpoch()).toBe(true);
      await store.ping();
    });
  });
}
