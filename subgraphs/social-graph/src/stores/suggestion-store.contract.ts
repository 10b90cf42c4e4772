import { newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import type { SuggestionSnapshot, SuggestionStore } from './suggestion-store';

export type MakeSuggestionStore = (opts: { keepMs: number }) => Promise<SuggestionStore>;

/** What every SuggestionStore must do, on memory and on Redis. */
export function suggestionStoreContract(name: string, make: MakeSuggestionStore): void {
  describe(`SuggestionStore contract: ${name}`, () => {
    let store: SuggestionStore;
    beforeAll(async () => {
      store = await make({ keepMs: 60_000 });
    });
    afterAll(() => store.close());

    const snapshot = (at: number, n = 2): SuggestionSnapshot => ({
      computedAt: new Date(at),
      items: Array.from({ length: n }, (_, i) => ({ userId: newId(), count: n - i, followers: 10 * i, sample: i ? [newId()] : [] })),
    });

    it('keeps snapshots by version; the latest is the last saved; older versions stay readable', async () => {
      const me = newId();
      expect(await store.latest(me)).toBeNull();
      const one = snapshot(1_000);
      const two = snapshot(2_000, 3);
      expect(await store.save(me, one)).toBe(true);
      expect(await store.latest(me)).toEqual(one);
      expect(await store.save(me, two)).toBe(true);
      expect(await store.latest(me)).toEqual(two);
      expect(await store.version(me, 1_000)).toEqual(one);
      expect(await store.version(me, 3_000)).toBeNull();
      expect(await store.latest(newId())).toBeNull();
      expect(await store.save(me, snapshot(2_000, 1))).toBe(false); // same version: the stored one stays
      expect(await store.version(me, 2_000)).toEqual(two);
    });

    it('snapshots expire after keepMs', async () => {
      const short = await make({ keepMs: 1_000 }); // long enough to read the snapshot back on a loaded machine
      try {
        const me = newId();
        await short.save(me, snapshot(5_000));
        expect(await short.latest(me)).not.toBeNull();
        await eventually(
          async () => ((await short.version(me, 5_000)) === null && (await short.latest(me)) === null ? true : undefined),
          5_000,
        );
      } finally {
        await short.close();
      }
    });

    it('keeps the popular list until replaced', async () => {
      const list = { computedAt: new Date(7_000), accounts: [{ userId: newId(), followers: 9 }] };
      await store.savePopular(list);
      expect(await store.popular()).toEqual(list);
      const newer = { computedAt: new Date(8_000), accounts: [] };
      await store.savePopular(newer);
      expect(await store.popular()).toEqual(newer);
    });

    it('tracks activity: the latest time wins, windows select and forget', async () => {
      const isolated = await make({ keepMs: 60_000 });
      try {
        const [old, recent, both] = [newId(), newId(), newId()];
        await isolated.markActive([old], new Date(1_000));
        await isolated.markActive([recent, both], new Date(5_000));
        await isolated.markActive([both], new Date(2_000)); // an older mark does not move anyone back
        expect(await isolated.activeSince(new Date(3_000))).toEqual([recent, both].sort());
        expect(await isolated.forgetInactive(new Date(3_000))).toBe(1);
        expect(await isolated.activeSince(new Date(0))).toEqual([recent, both].sort());
        await isolated.markActive([recent], new Date(6_000));
        expect(await isolated.activeSince(new Date(0))).toEqual([both, recent]); // least recently seen first
        await isolated.markActive([], new Date());
      } finally {
        await isolated.close();
      }
    });

    it('a lock has one holder at a time; it is released by its holder only, or expires', async () => {
      const name = `lock-${newId()}`;
      const token = await store.tryLock(name, 60_000);
      expect(token).toEqual(expect.any(String));
      expect(await store.tryLock(name, 60_000)).toBeNull();
      await store.unlock(name, 'someone-else');
      expect(await store.tryLock(name, 60_000)).toBeNull();
      await store.unlock(name, token!);
      const again = await store.tryLock(name, 100);
      expect(again).toEqual(expect.any(String));
      await eventually(async () => ((await store.tryLock(name, 60_000)) !== null ? true : undefined), 5_000);
    });

    it('ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
