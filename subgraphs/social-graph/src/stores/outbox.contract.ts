import { newId } from '@social/kit';
import type { MakeGraphStores } from './follow-graph.contract';

/**
 * The outbox's read side, used by the relay: records come back oldest first (the order the relay
 * publishes in), a limit bounds a read, and removal is idempotent. Run on memory and on Neo4j.
 */
export function outboxContract(name: string, make: MakeGraphStores): void {
  describe(`OutboxStore contract: ${name}`, () => {
    it('reads the oldest records first, up to the limit, and removes published ones idempotently', async () => {
      const stores = await make({ vipThreshold: 1_000 });
      try {
        const [a, b, c] = [newId(), newId(), newId()];
        const first = await stores.follows.follow(a, b, new Date());
        const second = await stores.follows.block(c, a, new Date());
        const third = await stores.follows.unfollow(a, b);
        const all = [...first.events, ...second.events, ...third.events];
        expect(all.map((e) => e.subject)).toEqual(['user.followed', 'user.blocked', 'user.unfollowed']);
        expect(await stores.outbox.pending(10)).toEqual(all);
        expect(await stores.outbox.pending(2)).toEqual(all.slice(0, 2));
        await stores.outbox.remove([all[0]!.id, newId()]);
        expect(await stores.outbox.pending(10)).toEqual(all.slice(1));
        await stores.outbox.remove([all[0]!.id]);
        await stores.outbox.remove([]);
        expect((await stores.outbox.pending(10)).map((r) => r.id)).toEqual(all.slice(1).map((r) => r.id));
      } finally {
        await stores.close();
      }
    });

    it('keeps the order of the records of one write (a block before the unfollows it caused)', async () => {
      const stores = await make({ vipThreshold: 1_000 });
      try {
        const [a, b] = [newId(), newId()];
        await stores.follows.follow(a, b, new Date());
        await stores.follows.follow(b, a, new Date());
        const block = await stores.follows.block(a, b, new Date());
        const pending = await stores.outbox.pending(10);
        expect(pending.slice(2).map((r) => r.id)).toEqual(block.events.map((e) => e.id));
        expect(pending.every((r) => r.createdAt instanceof Date)).toBe(true);
      } finally {
        await stores.close();
      }
    });
  });
}
