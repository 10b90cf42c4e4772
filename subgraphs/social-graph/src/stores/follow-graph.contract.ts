import { newId } from '@social/kit';
import type { FollowEdge, FollowGraph, FollowGraphOptions, FollowPosition } from './follow-graph';
import { followGraphWritesContract } from './follow-graph-writes.contract';
import type { GraphStores } from './graph-stores';

/** Builds fresh, isolated graph stores (Neo4j: a new label prefix each time). */
export type MakeGraphStores = (opts: FollowGraphOptions) => Promise<GraphStores>;

/** High enough that no test here crosses it (VIP behaviour has its own tests in the writes contract). */
export const TEST_VIP_THRESHOLD = 1_000;

/**
 * The one behaviour every FollowGraph must have, run on memory (unit tier) and on Neo4j (int tier).
 * Each test makes fresh ids, so one graph serves the whole suite.
 */
export function followGraphContract(name: string, make: MakeGraphStores): void {
  describe(`FollowGraph contract: ${name}`, () => {
    let stores: GraphStores;
    let graph: FollowGraph;
    beforeAll(async () => {
      stores = await make({ vipThreshold: TEST_VIP_THRESHOLD });
      graph = stores.follows;
    });
    afterAll(async () => {
      await stores.close();
    });
    const counts = async (ids: string[]) =>
      new Map([...(await graph.stats(ids))].map(([id, s]) => [id, { followers: s.followers, following: s.following }]));

    const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
    const ids = (n: number) => Array.from({ length: n }, () => newId());

    /** Reads a whole list `pageSize` rows at a time, as the resolver does. */
    async function readAll(list: 'followers' | 'following', userId: string, pageSize: number, between?: () => Promise<void>) {
      const seen: FollowEdge[] = [];
      let after: FollowPosition | null = null;
      for (;;) {
        const page: FollowEdge[] = await graph[list](userId, { limit: pageSize, after });
        seen.push(...page);
        if (page.length < pageSize) return seen;
        after = page[page.length - 1]!;
        await between?.();
      }
    }

    it('follow is idempotent: the first call changes, a repeat does not and keeps the original time', async () => {
      const [a, b] = ids(2) as [string, string];
      expect((await graph.follow(a, b, t(1))).changed).toBe(true);
      expect((await graph.follow(a, b, t(2))).changed).toBe(false);
      expect(await graph.followers(b, { limit: 10 })).toEqual([{ userId: a, followedAt: t(1) }]);
      expect((await counts([b])).get(b)).toEqual({ followers: 1, following: 0 });
    });

    it('unfollow is idempotent, and unfollowing someone never followed changes nothing', async () => {
      const [a, b, c] = ids(3) as [string, string, string];
      await graph.follow(a, b, t(1));
      expect((await graph.unfollow(a, b)).changed).toBe(true);
      expect((await graph.unfollow(a, b)).changed).toBe(false);
      expect((await graph.unfollow(a, c)).changed).toBe(false);
      expect((await graph.unfollow(newId(), newId())).changed).toBe(false);
      expect(await graph.isFollowing([{ followerId: a, followeeId: b }])).toEqual([false]);
      expect((await counts([a, b])).get(a)).toEqual({ followers: 0, following: 0 });
    });

    it('a follow after an unfollow is new and carries the new time', async () => {
      const [a, b] = ids(2) as [string, string];
      await graph.follow(a, b, t(1));
      await graph.unfollow(a, b);
      expect((await graph.follow(a, b, t(5))).changed).toBe(true);
      expect(await graph.following(a, { limit: 10 })).toEqual([{ userId: b, followedAt: t(5) }]);
    });

    it('counts both directions for many people at once; unknown and repeated ids are answered', async () => {
      const [a, b, c, unknown] = ids(4) as [string, string, string, string];
      await graph.follow(a, b, t(1));
      await graph.follow(a, c, t(2));
      await graph.follow(b, c, t(3));
      await graph.follow(c, a, t(4));
      const stats = await graph.stats([a, b, c, unknown, a]);
      expect(stats.get(a)).toEqual({ followers: 1, following: 2, isVip: false });
      expect(stats.get(b)).toEqual({ followers: 1, following: 1, isVip: false });
      expect(stats.get(c)).toEqual({ followers: 2, following: 1, isVip: false });
      expect(stats.get(unknown)).toEqual({ followers: 0, following: 0, isVip: false });
      expect((await counts([])).size).toBe(0);
    });

    it('isFollowing answers each pair in order and respects direction', async () => {
      const [a, b, c] = ids(3) as [string, string, string];
      await graph.follow(a, b, t(1));
      expect(
        await graph.isFollowing([
          { followerId: a, followeeId: b },
          { followerId: b, followeeId: a },
          { followerId: a, followeeId: c },
          { followerId: a, followeeId: b },
        ]),
      ).toEqual([true, false, false, true]);
      expect(await graph.isFollowing([])).toEqual([]);
    });

    it('lists are newest follow first, ties on time broken by the larger id first', async () => {
      const [star, f1, f2, f3] = ids(4) as [string, string, string, string];
      await graph.follow(f1, star, t(10));
      await graph.follow(f2, star, t(30));
      await graph.follow(f3, star, t(10)); // same time as f1
      const [hi, lo] = f1 > f3 ? [f1, f3] : [f3, f1];
      expect(await graph.followers(star, { limit: 10 })).toEqual([
        { userId: f2, followedAt: t(30) },
        { userId: hi, followedAt: t(10) },
        { userId: lo, followedAt: t(10) },
      ]);
      expect(await graph.following(f2, { limit: 10 })).toEqual([{ userId: star, followedAt: t(30) }]);
      expect(await graph.followers(newId(), { limit: 10 })).toEqual([]);
    });

    it('pages through followers with a keyset position: no skip, no repeat, including ties', async () => {
      const star = newId();
      const fans = ids(23);
      // Several follows share a second, so the id tiebreak is exercised across page boundaries.
      for (const [i, fan] of fans.entries()) await graph.follow(fan, star, t(Math.floor(i / 3)));
      const all = await readAll('followers', star, 5);
      expect(all).toHaveLength(23);
      expect(new Set(all.map((e) => e.userId))).toEqual(new Set(fans));
      expect(all).toEqual(await graph.followers(star, { limit: 100 }));
    });

    it('follows that arrive while paging neither shift nor repeat the later pages', async () => {
      const star = newId();
      const fans = ids(12);
      for (const [i, fan] of fans.entries()) await graph.follow(fan, star, t(i));
      let clock = 100;
      const late: string[] = [];
      const all = await readAll('followers', star, 4, async () => {
        const fan = newId();
        late.push(fan);
        await graph.follow(fan, star, t(clock++));
      });
      expect(all.map((e) => e.userId)).toEqual([...fans].reverse());
      expect((await counts([star])).get(star)?.followers).toBe(12 + late.length);
    });

    it('pages through following the same way', async () => {
      const fan = newId();
      const stars = ids(9);
      for (const [i, star] of stars.entries()) await graph.follow(fan, star, t(i));
      const all = await readAll('following', fan, 2);
      expect(all.map((e) => e.userId)).toEqual([...stars].reverse());
    });

    it('followingIds lists followees newest first, capped at the limit', async () => {
      const fan = newId();
      const stars = ids(6);
      for (const [i, star] of stars.entries()) await graph.follow(fan, star, t(i));
      expect(await graph.followingIds(fan, 100)).toEqual([...stars].reverse());
      expect(await graph.followingIds(fan, 2)).toEqual([stars[5], stars[4]]);
      expect(await graph.followingIds(newId(), 10)).toEqual([]);
    });

    it('concurrent follows of the same pair make one follow, and exactly one reports the change', async () => {
      const [a, b] = ids(2) as [string, string];
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => graph.follow(a, b, t(i))));
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      expect((await counts([a, b])).get(b)).toEqual({ followers: 1, following: 0 });
      const unfollows = await Promise.all(Array.from({ length: 8 }, () => graph.unfollow(a, b)));
      expect(unfollows.filter((r) => r.changed)).toHaveLength(1);
      expect((await counts([b])).get(b)).toEqual({ followers: 0, following: 0 });
    });

    it('mutual follows are two independent relationships', async () => {
      const [a, b] = ids(2) as [string, string];
      await Promise.all([graph.follow(a, b, t(1)), graph.follow(b, a, t(2))]);
      expect((await counts([a])).get(a)).toEqual({ followers: 1, following: 1 });
      await graph.unfollow(a, b);
      expect(
        await graph.isFollowing([
          { followerId: b, followeeId: a },
          { followerId: a, followeeId: b },
        ]),
      ).toEqual([true, false]);
    });

    it('ping answers while the graph is open', async () => {
      await expect(stores.ping()).resolves.toBeUndefined();
    });
  });
  followGraphWritesContract(name, make);
}
