import { newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import type { FollowStats } from './follow-graph';
import type { RelationshipCache } from './relationship-cache';

export type MakeCache = (opts: { ttlMs: number }) => Promise<RelationshipCache>;

/** The generation semantics every RelationshipCache must have, on memory and on Redis. */
export function relationshipCacheContract(name: string, make: MakeCache): void {
  describe(`RelationshipCache contract: ${name}`, () => {
    let cache: RelationshipCache;
    beforeAll(async () => {
      cache = await make({ ttlMs: 60_000 });
    });
    afterAll(() => cache.close());

    const stats = (followers: number): FollowStats => ({ followers, following: 2, isVip: false });

    it('a miss gives a token; a value stored with it is a hit until the person is invalidated', async () => {
      const [a, b] = [newId(), newId()];
      const miss = await cache.getStats([a, b]);
      expect(miss.get(a)?.value).toBeNull();
      await cache.setStats([{ userId: a, token: miss.get(a)!.token, value: stats(5) }]);
      const hit = await cache.getStats([a, b]);
      expect(hit.get(a)?.value).toEqual(stats(5));
      expect(hit.get(b)?.value).toBeNull();
      await cache.invalidate({ users: [a], vipStatus: false });
      expect((await cache.getStats([a])).get(a)?.value).toBeNull();
      expect(await cache.getStats([])).toEqual(new Map());
    });

    it('a value read before an invalidation cannot be stored after it (the read/write race)', async () => {
      const a = newId();
      const before = (await cache.getStats([a])).get(a)!.token; // a reader takes the generation...
      await cache.invalidate({ users: [a], vipStatus: false }); // ...a write commits and invalidates...
      await cache.setStats([{ userId: a, token: before, value: stats(1) }]); // ...the reader stores its stale read
      expect((await cache.getStats([a])).get(a)?.value).toBeNull();
      const now = (await cache.getStats([a])).get(a)!.token;
      await cache.setStats([{ userId: a, token: now, value: stats(2) }]);
      expect((await cache.getStats([a])).get(a)?.value).toEqual(stats(2));
    });

    it('follower lists keep order and times; they share the person`s generation', async () => {
      const [star, f1, f2] = [newId(), newId(), newId()];
      const edges = [
        { userId: f2, followedAt: new Date(2_000) },
        { userId: f1, followedAt: new Date(1_000) },
      ];
      const miss = await cache.getFollowerList(star);
      expect(miss.value).toBeNull();
      await cache.setFollowerList(star, miss.token, edges);
      expect((await cache.getFollowerList(star)).value).toEqual(edges);
      await cache.invalidate({ users: [star], vipStatus: false });
      expect((await cache.getFollowerList(star)).value).toBeNull();
    });

    it('followed-VIP lists are invalidated by the person`s changes and by any VIP status change', async () => {
      const [fan, other, vip] = [newId(), newId(), newId()];
      const fill = async (id: string) => {
        const miss = await cache.getFollowedVips(id);
        await cache.setFollowedVips(id, miss.token, [vip]);
        expect((await cache.getFollowedVips(id)).value).toEqual([vip]);
      };
      await fill(fan);
      await fill(other);
      await cache.invalidate({ users: [fan], vipStatus: false });
      expect((await cache.getFollowedVips(fan)).value).toBeNull();
      expect((await cache.getFollowedVips(other)).value).toEqual([vip]);
      await cache.invalidate({ users: [], vipStatus: true });
      expect((await cache.getFollowedVips(other)).value).toBeNull();
      const empty = await cache.getFollowedVips(other);
      await cache.setFollowedVips(other, empty.token, []);
      expect((await cache.getFollowedVips(other)).value).toEqual([]); // an empty list is a hit too
    });

    it('entries expire after the TTL even when no invalidation came (the crash backstop)', async () => {
      const short = await make({ ttlMs: 1_000 }); // long enough that a loaded machine still reads the entry back before it expires
      try {
        const a = newId();
        const miss = (await short.getStats([a])).get(a)!;
        await short.setStats([{ userId: a, token: miss.token, value: stats(7) }]);
        expect((await short.getStats([a])).get(a)?.value).toEqual(stats(7));
        await eventually(async () => ((await short.getStats([a])).get(a)?.value === null ? true : undefined), 5_000);
      } finally {
        await short.close();
      }
    });

    it('ping answers', async () => {
      await expect(cache.ping()).resolves.toBeUndefined();
    });
  });
}
