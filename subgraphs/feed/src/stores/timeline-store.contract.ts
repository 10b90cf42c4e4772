import { newId } from '@social/kit';
import type { GraphChange, TimelineEntry, TimelineStore } from './timeline-store';

export interface TimelineStoreHandle {
  store: TimelineStore;
  close(): Promise<void>;
}

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

/** Entries for distinct posts by `authorId`, one second apart, oldest first. */
function posts(authorId: string, n: number, start = NOW): TimelineEntry[] {
  return Array.from({ length: n }, (_, i) => ({ postId: newId(), authorId, score: start + i * 1000 }));
}

/** A graph change at `ms`; a fresh id each time (ids only order changes of the same millisecond). */
const at = (ms: number): GraphChange => ({ at: ms, id: newId() });

const ids = (entries: TimelineEntry[]) => entries.map((e) => e.postId);
const newestFirst = (entries: TimelineEntry[]) => ids([...entries].reverse());

/** The one behaviour both timeline stores (memory, Redis) must have. Caps are 5 (timeline) and 3 (recent). */
export function timelineStoreContract(name: string, make: (caps: { timeline: number; recent: number }) => Promise<TimelineStoreHandle>) {
  describe(`TimelineStore contract: ${name}`, () => {
    let handle: TimelineStoreHandle;
    let store: TimelineStore;
    beforeEach(async () => {
      handle = await make({ timeline: 5, recent: 3 });
      store = handle.store;
    });
    afterEach(async () => handle.close());

    const timeline = async (userId: string, limit = 100) =>
      ids((await store.read({ sources: [{ timelineOf: userId }], direction: 'older', bound: null, limit }))[0]!);

    it('answers a readiness ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('pushes to active and never-seen readers, skips inactive ones, trims to the cap, newest first', async () => {
      const [active, fresh, inactive] = [newId(), newId(), newId()];
      await store.touch(active, NOW);
      await store.touch(inactive, NOW - 40 * DAY);
      const entries = posts(newId(), 7);
      for (const e of entries) expect(await store.pushPost(e, [active, fresh, inactive], NOW - 30 * DAY)).toEqual([active, fresh]);
      expect(await timeline(active)).toEqual(newestFirst(entries).slice(0, 5));
      expect(await timeline(fresh)).toEqual(newestFirst(entries).slice(0, 5));
      expect(await timeline(inactive)).toEqual([]);
    });

    it('is idempotent: the same push or removal twice is the same as once', async () => {
      const reader = newId();
      const [a, b] = posts(newId(), 2);
      await store.pushPost(a!, [reader], 0);
      await store.pushPost(a!, [reader], 0);
      await store.pushPost(b!, [reader], 0);
      expect(await timeline(reader)).toEqual([b!.postId, a!.postId]);
      await store.removePost(b!, [reader]);
      await store.removePost(b!, [reader]);
      expect(await timeline(reader)).toEqual([a!.postId]);
    });

    it('a tombstone blocks late pushes and recent adds of a deleted post', async () => {
      const reader = newId();
      const [p] = posts(newId(), 1);
      await store.deletePost(p!);
      expect(await store.pushPost(p!, [reader], 0)).toEqual([]);
      await store.addRecent(p!);
      expect(await timeline(reader)).toEqual([]);
      const recent = await store.read({ sources: [{ recentOf: p!.authorId }], direction: 'older', bound: null, limit: 10 });
      expect(recent).toEqual([[]]);
    });

    it('keeps capped recent sets, merges them into timelines and removes an author again', async () => {
      const [reader, alice, bob] = [newId(), newId(), newId()];
      const fromAlice = posts(alice, 4);
      const fromBob = posts(bob, 2, NOW + 500);
      for (const e of [...fromAlice, ...fromBob]) await store.addRecent(e);
      await store.deletePost(fromBob[0]!);
      await store.mergeRecent([reader], [alice, bob]);
      await store.mergeRecent([reader], [alice, bob]);
      const expected = [...fromAlice.slice(1), fromBob[1]!].sort((x, y) => y.score - x.score);
      expect(await timeline(reader)).toEqual(ids(expected));
      expect(await store.removeAuthor(reader, alice, at(NOW))).toBe(true);
      expect(await timeline(reader)).toEqual([fromBob[1]!.postId]);
    });

    it('reads several sources in one call and pages both ways past a bound, equal scores ordered by id', async () => {
      const [reader, vip] = [newId(), newId()];
      const same = Array.from({ length: 12 }, () => ({ postId: newId(), authorId: vip, score: NOW }));
      for (const e of same.slice(0, 3)) await store.addRecent(e);
      const pushed = posts(newId(), 3, NOW - 10_000);
      for (const e of pushed) await store.pushPost(e, [reader], 0);
      const [t, r] = await store.read({ sources: [{ timelineOf: reader }, { recentOf: vip }], direction: 'older', bound: null, limit: 2 });
      expect(ids(t!)).toEqual(newestFirst(pushed).slice(0, 2));
      expect(ids(r!)).toEqual(ids(same.slice(0, 3)).sort().reverse().slice(0, 2));
      expect(r![0]).toEqual({ postId: r![0]!.postId, authorId: vip, score: NOW });

      // Equal scores at the bound: the post id decides, so nothing is skipped or repeated.
      const tied = newId();
      const sorted = [...same].sort((x, y) => (x.postId < y.postId ? 1 : -1));
      await store.pushPost(sorted[0]!, [tied], 0);
      for (const e of sorted) await store.pushPost(e, [tied], 0); // cap 5 keeps the 5 with the highest ids
      const kept = sorted.slice(0, 5);
      const [older] = await store.read({ sources: [{ timelineOf: tied }], direction: 'older', bound: kept[0]!, limit: 3 });
      expect(ids(older!)).toEqual(ids(kept.slice(1, 4)));
      const [newer] = await store.read({ sources: [{ timelineOf: tied }], direction: 'newer', bound: kept[4]!, limit: 2 });
      expect(ids(newer!)).toEqual([kept[3]!.postId, kept[2]!.postId]);
    });

    it('an unfollow marker keeps late pushes and merges of that author out until the reader follows again', async () => {
      const [reader, other, author] = [newId(), newId(), newId()];
      const [old, late, after] = posts(author, 3);
      await store.addRecent(old!);
      await store.follow(reader, author, true, at(NOW));
      expect(await timeline(reader)).toEqual([old!.postId]);
      await store.removeAuthor(reader, author, at(NOW + 1));
      expect(await timeline(reader)).toEqual([]);
      expect(await store.pushPost(late!, [reader, other], 0)).toEqual([other]); // a batch cut before the unfollow
      await store.mergeRecent([reader, other], [author]);
      expect(await timeline(reader)).toEqual([]);
      expect(await timeline(other)).toEqual([late!.postId, old!.postId]);
      await store.follow(reader, author, false, at(NOW + 2));
      expect(await store.pushPost(after!, [reader], 0)).toEqual([reader]);
      expect(await timeline(reader)).toEqual([after!.postId]);
    });

    it("applies a pair's follow and unfollow by when they happened, whatever order they arrive in", async () => {
      const [reader, author] = [newId(), newId()];
      const [old, next] = posts(author, 2);
      await store.addRecent(old!);
      // follow at 1, unfollow at 2, follow at 3, delivered as 1, 3, 2 (the unfollow redelivered late).
      const [followed, unfollowed, followedAgain] = [at(NOW + 1), at(NOW + 2), at(NOW + 3)];
      expect(await store.follow(reader, author, true, followed)).toBe(true);
      expect(await store.follow(reader, author, true, followedAgain)).toBe(true);
      expect(await store.removeAuthor(reader, author, unfollowed)).toBe(false);
      expect(await timeline(reader)).toEqual([old!.postId]);
      expect(await store.pushPost(next!, [reader], 0)).toEqual([reader]); // no unfollow marker left behind
      // A replay changes nothing, and an older follow cannot undo a newer unfollow.
      expect(await store.follow(reader, author, true, followedAgain)).toBe(false);
      const lastUnfollow = at(NOW + 4);
      expect(await store.removeAuthor(reader, author, lastUnfollow)).toBe(true);
      expect(await store.follow(reader, author, true, followedAgain)).toBe(false);
      expect(await timeline(reader)).toEqual([]);
      // In the same millisecond the event id decides (ids from one writer increase).
      expect(await store.follow(reader, author, true, { at: lastUnfollow.at, id: newId() })).toBe(true);
      expect(await store.removeAuthor(reader, author, lastUnfollow)).toBe(false);
      expect(await timeline(reader)).toEqual([old!.postId]); // the recent set merged back in
      // Other pairs are independent.
      const other = newId();
      expect(await store.follow(other, author, true, at(NOW))).toBe(true);
      expect(await timeline(other)).toEqual([old!.postId]);
    });

    it('records visits and returns the previous one', async () => {
      const reader = newId();
      expect(await store.touch(reader, NOW)).toEqual({ previous: null, rebuilding: false });
      expect(await store.touch(reader, NOW + 5)).toEqual({ previous: NOW, rebuilding: false });
    });

    it('keeps VIP flags, caches followed-VIP lists and invalidates one or all of them', async () => {
      const [vip, reader, other] = [newId(), newId(), newId()];
      expect(await store.isVip(vip)).toBe(false);
      await store.setVip(vip, true);
      expect(await store.isVip(vip)).toBe(true);
      await store.setVip(vip, false);
      expect(await store.isVip(vip)).toBe(false);

      expect(await store.cachedVipIds(reader)).toBeNull();
      await store.cacheVipIds(reader, [vip]);
      await store.cacheVipIds(other, []);
      expect(await store.cachedVipIds(reader)).toEqual([vip]);
      expect(await store.cachedVipIds(other)).toEqual([]);
      await store.invalidateVipIds(reader);
      expect(await store.cachedVipIds(reader)).toBeNull();
      expect(await store.cachedVipIds(other)).toEqual([]);
      await store.invalidateAllVipIds();
      expect(await store.cachedVipIds(other)).toBeNull();
    });

    it('lets one rebuild of a timeline run at a time', async () => {
      const reader = newId();
      expect(await store.startRebuild(reader)).toBe(true);
      expect(await store.startRebuild(reader)).toBe(false);
      expect((await store.touch(reader, NOW)).rebuilding).toBe(true);
      await store.finishRebuild(reader);
      expect((await store.touch(reader, NOW)).rebuilding).toBe(false);
      expect(await store.startRebuild(reader)).toBe(true);
    });
  });
}
