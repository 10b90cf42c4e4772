import { newId } from '@social/kit';
import type { DiscoveryGraph } from './discovery-graph';
import type { FollowGraph } from './follow-graph';
import type { MakeGraphStores } from './follow-graph.contract';
import type { GraphStores } from './graph-stores';

/** The two-step questions, the same on memory and on Neo4j. Each test makes fresh ids. */
export function discoveryGraphContract(name: string, make: MakeGraphStores): void {
  describe(`DiscoveryGraph contract: ${name}`, () => {
    let stores: GraphStores;
    let graph: FollowGraph;
    let discovery: DiscoveryGraph;
    beforeAll(async () => {
      stores = await make({ vipThreshold: 1_000 });
      graph = stores.follows;
      discovery = stores.discovery;
    });
    afterAll(() => stores.close());

    const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
    const ids = (n: number) => Array.from({ length: n }, () => newId());
    /** Makes each of `followers` follow `followee`. */
    const followedBy = (followee: string, followers: string[]) => Promise.all(followers.map((f) => graph.follow(f, followee, t(0))));

    it('mutual follows: accounts both follow, in the first person`s following order, paged by keyset', async () => {
      const [a, b, x, y, z, w] = ids(6) as [string, string, string, string, string, string];
      await graph.follow(a, x, t(1));
      await graph.follow(a, y, t(2));
      await graph.follow(a, z, t(3));
      await graph.follow(b, w, t(1));
      await graph.follow(b, y, t(5));
      await graph.follow(b, z, t(6));
      expect(await discovery.mutualFollows(a, b, { limit: 10 })).toEqual([
        { userId: z, followedAt: t(3) },
        { userId: y, followedAt: t(2) },
      ]);
      const first = await discovery.mutualFollows(a, b, { limit: 1 });
      expect(first.map((e) => e.userId)).toEqual([z]);
      expect((await discovery.mutualFollows(a, b, { limit: 10, after: first[0]! })).map((e) => e.userId)).toEqual([y]);
      expect(await discovery.mutualFollows(a, newId(), { limit: 10 })).toEqual([]);
    });

    it('followed by people you follow: the count and a sample, most followed first', async () => {
      const [viewer, profile, f1, f2, f3] = ids(5) as [string, string, string, string, string];
      for (const f of [f1, f2, f3]) await graph.follow(viewer, f, t(1));
      await followedBy(profile, [f1, f2, newId()]);
      await followedBy(f2, ids(3)); // f2 is more followed than f1
      const result = await discovery.followedBy(viewer, [profile, newId()], 5);
      expect(result.get(profile)).toEqual({ total: 2, sample: [f2, f1] });
      expect([...result.values()][1]).toEqual({ total: 0, sample: [] });
      expect((await discovery.followedBy(viewer, [profile], 1)).get(profile)).toEqual({ total: 2, sample: [f2] });
      expect((await discovery.followedBy(newId(), [profile], 3)).get(profile)).toEqual({ total: 0, sample: [] });
    });

    it('suggestions: second degree, ranked by followees in common, then followers, then id; never the viewer, followed or blocked', async () => {
      const [v, f1, f2, f3, c1, c2, c3, c4, c5, c6] = ids(10) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      for (const f of [f1, f2, f3]) await graph.follow(v, f, t(1));
      await followedBy(c1, [f1, f2, f3]); // 3 in common
      await followedBy(c2, [f1, f2]); // 2
      await followedBy(c3, [f3]); // 1
      await followedBy(c4, [f2, ...ids(2)]); // 1, but more followers than c3
      await followedBy(c5, [f1, f2, f3]); // the viewer blocks c5
      await followedBy(c6, [f1, f2, f3]); // c6 blocks the viewer
      await graph.block(v, c5, t(2));
      await graph.block(c6, v, t(2));
      await graph.follow(f1, v, t(3)); // the viewer is second degree of themselves: left out
      await graph.follow(f2, f1, t(3)); // f1 is already followed: left out
      const ranked = await discovery.rankSuggestions(v, 10);
      expect(ranked.map((r) => [r.userId, r.count, r.followers])).toEqual([
        [c1, 3, 3],
        [c2, 2, 2],
        [c4, 1, 3],
        [c3, 1, 1],
      ]);
      expect(new Set(ranked[0]!.sample)).toEqual(new Set([f1, f2, f3]));
      expect(ranked[3]!.sample).toEqual([f3]);
      expect((await discovery.rankSuggestions(v, 2)).map((r) => r.userId)).toEqual([c1, c2]);
      expect(await discovery.rankSuggestions(newId(), 10)).toEqual([]);
    });

    it('suggestions with equal counts and followers are ordered by id', async () => {
      const [v, f] = ids(2) as [string, string];
      const cs = ids(4);
      await graph.follow(v, f, t(1));
      for (const c of cs) await graph.follow(f, c, t(1));
      expect((await discovery.rankSuggestions(v, 10)).map((r) => r.userId)).toEqual([...cs].sort());
    });

    it('excludedFor names the candidates the viewer follows or has a block with, either way', async () => {
      const [v, followed, blocked, blocker, free] = ids(5) as [string, string, string, string, string];
      await graph.follow(v, followed, t(1));
      await graph.block(v, blocked, t(1));
      await graph.block(blocker, v, t(1));
      expect(await discovery.excludedFor(v, [followed, blocked, blocker, free, newId()])).toEqual(new Set([followed, blocked, blocker]));
      expect(await discovery.excludedFor(newId(), [followed])).toEqual(new Set());
      expect(await discovery.excludedFor(v, [])).toEqual(new Set());
    });

    it('popular: the most followed accounts, ties by id, nobody without followers', async () => {
      const isolated = await make({ vipThreshold: 1_000 });
      try {
        const [big, mid1, mid2, small] = ids(4) as [string, string, string, string];
        const fans = ids(5);
        const follow = (who: string, n: number) => Promise.all(fans.slice(0, n).map((f) => isolated.follows.follow(f, who, t(1))));
        await follow(big, 5);
        await follow(mid1, 3);
        await follow(mid2, 3);
        await follow(small, 1);
        const [lo, hi] = [mid1, mid2].sort() as [string, string];
        expect(await isolated.discovery.popular(3)).toEqual([
          { userId: big, followers: 5 },
          { userId: lo, followers: 3 },
          { userId: hi, followers: 3 },
        ]);
        expect((await isolated.discovery.popular(10)).map((p) => p.userId)).toEqual([big, lo, hi, small]);
      } finally {
        await isolated.close();
      }
    });
  });
}
