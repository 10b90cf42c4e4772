import { newId } from '@social/kit';
import type { FollowGraph } from './follow-graph';
import type { MakeGraphStores } from './follow-graph.contract';
import type { GraphStores } from './graph-stores';
import type { OutboxRecord } from './outbox';

/** VIP at 10 followers, and (hysteresis) not again below 9: so 9 keeps a VIP, 8 ends it. */
export const WRITES_VIP_THRESHOLD = 10;

/**
 * The FollowGraph's writes: blocks, VIP flags and the outbox records each write commits with it.
 * Part of the FollowGraph contract (followGraphContract runs it), on memory and on Neo4j.
 */
export function followGraphWritesContract(name: string, make: MakeGraphStores): void {
  describe(`FollowGraph contract (writes, blocks, VIP, outbox): ${name}`, () => {
    let stores: GraphStores;
    let graph: FollowGraph;
    beforeAll(async () => {
      stores = await make({ vipThreshold: WRITES_VIP_THRESHOLD });
      graph = stores.follows;
    });
    afterAll(() => stores.close());

    const at = () => new Date();
    const ids = (n: number) => Array.from({ length: n }, () => newId());
    const pendingFor = async (records: OutboxRecord[]) => {
      const wanted = new Set(records.map((r) => r.id));
      return (await stores.outbox.pending(10_000)).filter((r) => wanted.has(r.id));
    };
    const follows = (a: string, b: string) => graph.isFollowing([{ followerId: a, followeeId: b }]).then(([x]) => x);

    it('a follow commits a user.followed record with it; a repeat commits none', async () => {
      const [a, b] = ids(2) as [string, string];
      const first = await graph.follow(a, b, at());
      expect(first.events).toEqual([expect.objectContaining({ subject: 'user.followed', payload: { followerId: a, followeeId: b } })]);
      expect(first.events[0]!.id).toMatch(/^[0-9a-f]{24}$/);
      expect(await pendingFor(first.events)).toEqual(first.events);
      expect((await graph.follow(a, b, at())).events).toEqual([]);
      const un = await graph.unfollow(a, b);
      expect(un.events).toEqual([expect.objectContaining({ subject: 'user.unfollowed', payload: { followerId: a, followeeId: b } })]);
      expect((await graph.unfollow(a, b)).events).toEqual([]);
    });

    it('a block removes the follows both ways in the same write, with one record per change', async () => {
      const [me, them] = ids(2) as [string, string];
      await graph.follow(me, them, at());
      await graph.follow(them, me, at());
      const outcome = await graph.block(me, them, at());
      expect(outcome.changed).toBe(true);
      expect(new Set(outcome.removedFollows.map((p) => `${p.followerId}>${p.followeeId}`))).toEqual(
        new Set([`${me}>${them}`, `${them}>${me}`]),
      );
      expect(outcome.events.map((e) => e.subject)).toEqual(['user.blocked', 'user.unfollowed', 'user.unfollowed']);
      expect(outcome.events[0]!.payload).toEqual({ blockerId: me, blockedId: them });
      expect(await pendingFor(outcome.events)).toHaveLength(3);
      expect([await follows(me, them), await follows(them, me)]).toEqual([false, false]);
      expect(
        await graph.isBlocking([
          { blockerId: me, blockedId: them },
          { blockerId: them, blockedId: me },
        ]),
      ).toEqual([true, false]);
      const again = await graph.block(me, them, at());
      expect(again).toEqual({ changed: false, events: [], removedFollows: [] });
    });

    it('a block refuses follows both ways and writes nothing while it stands', async () => {
      const [blocker, blocked] = ids(2) as [string, string];
      await graph.block(blocker, blocked, at());
      const before = (await stores.outbox.pending(10_000)).length;
      expect(await graph.follow(blocked, blocker, at())).toEqual({ changed: false, events: [], refused: 'blocked-by-followee' });
      expect(await graph.follow(blocker, blocked, at())).toEqual({ changed: false, events: [], refused: 'follower-blocks-followee' });
      expect([await follows(blocked, blocker), await follows(blocker, blocked)]).toEqual([false, false]);
      expect((await stores.outbox.pending(10_000)).length).toBe(before);
    });

    it('unblock lifts the block (removed follows stay removed) and is idempotent', async () => {
      const [me, them] = ids(2) as [string, string];
      await graph.follow(them, me, at());
      await graph.block(me, them, at());
      const lifted = await graph.unblock(me, them);
      expect(lifted.changed).toBe(true);
      expect(lifted.events).toEqual([expect.objectContaining({ subject: 'user.unblocked', payload: { blockerId: me, blockedId: them } })]);
      expect(await follows(them, me)).toBe(false);
      expect(await graph.unblock(me, them)).toEqual({ changed: false, events: [] });
      expect((await graph.follow(them, me, at())).changed).toBe(true);
    });

    it('VIP status: on at the threshold, kept down to 90% of it, off below; each switch is one record', async () => {
      const star = newId();
      const fans = ids(WRITES_VIP_THRESHOLD);
      const vipEvents = (o: { events: OutboxRecord[] }) => o.events.filter((e) => e.subject === 'user.vip-changed').map((e) => e.payload);
      for (const fan of fans.slice(0, -1)) expect(vipEvents(await graph.follow(fan, star, at()))).toEqual([]);
      expect((await graph.stats([star])).get(star)).toMatchObject({ followers: 9, isVip: false });
      expect(vipEvents(await graph.follow(fans.at(-1)!, star, at()))).toEqual([{ userId: star, isVip: true, followerCount: 10 }]);
      expect((await graph.stats([star])).get(star)).toMatchObject({ followers: 10, isVip: true });
      // 9 followers: inside the band, still a VIP, no event.
      expect(vipEvents(await graph.unfollow(fans[0]!, star))).toEqual([]);
      expect((await graph.stats([star])).get(star)?.isVip).toBe(true);
      // 8 followers: below 90% of 10, no longer a VIP.
      expect(vipEvents(await graph.unfollow(fans[1]!, star))).toEqual([{ userId: star, isVip: false, followerCount: 8 }]);
      // Back to 9: not enough to become a VIP again (that takes 10).
      expect(vipEvents(await graph.follow(fans[0]!, star, at()))).toEqual([]);
      expect((await graph.stats([star])).get(star)?.isVip).toBe(false);
    });

    it('followedVipIds lists only the VIPs a person follows; a block that costs a VIP status says so', async () => {
      const [star, fan, other] = ids(3) as [string, string, string];
      for (const f of ids(WRITES_VIP_THRESHOLD - 1)) await graph.follow(f, star, at());
      await graph.follow(fan, star, at());
      await graph.follow(fan, other, at());
      expect(await graph.followedVipIds(fan, 100)).toEqual([star]);
      expect(await graph.followedVipIds(newId(), 100)).toEqual([]);
      const outcome = await graph.block(star, fan, at()); // 10 -> 9: still VIP
      expect(outcome.events.map((e) => e.subject)).toEqual(['user.blocked', 'user.unfollowed']);
      expect(await graph.followedVipIds(fan, 100)).toEqual([]);
    });

    it('concurrent block and follow of one pair never leave a follow beside a block', async () => {
      for (let round = 0; round < 5; round++) {
        const [a, b] = ids(2) as [string, string];
        await graph.follow(a, b, at());
        await Promise.all([graph.block(a, b, at()), graph.follow(b, a, at()), graph.follow(a, b, at())]);
        expect([await follows(a, b), await follows(b, a)]).toEqual([false, false]);
      }
    });

    it('a write whose outbox record cannot be stored changes nothing (one transaction)', async () => {
      const clash = newId();
      const isolated = await make({ vipThreshold: WRITES_VIP_THRESHOLD, newEventId: () => clash });
      try {
        const [a, b, c] = ids(3) as [string, string, string];
        expect((await isolated.follows.follow(a, b, at())).changed).toBe(true); // record `clash` stored
        await expect(isolated.follows.follow(c, b, at())).rejects.toThrow();
        await expect(isolated.follows.block(b, a, at())).rejects.toThrow();
        expect(
          await isolated.follows.isFollowing([
            { followerId: c, followeeId: b },
            { followerId: a, followeeId: b },
          ]),
        ).toEqual([false, true]);
        expect(await isolated.follows.isBlocking([{ blockerId: b, blockedId: a }])).toEqual([false]);
        expect((await isolated.follows.stats([b])).get(b)?.followers).toBe(1);
        expect((await isolated.outbox.pending(10)).map((r) => r.id)).toEqual([clash]);
      } finally {
        await isolated.close();
      }
    });
  });
}
