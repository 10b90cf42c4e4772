import { createLogger, newId } from '@social/kit';
import { MemoryEventBus } from '@social/events';
import { eventually } from '@social/test-kit';
import { Relationships } from '../src/services/relationships';
import type { GraphStores } from '../src/stores/graph-stores';
import type { RelationshipCache } from '../src/stores/relationship-cache';
import { OutboxRelay } from '../src/workers/outbox-relay';

const logger = createLogger('social-graph-test', 'silent');

/**
 * "Counts never drift from the graph after a crash": the process commits a follow (graph + outbox
 * record in one transaction) and dies before it invalidates the cache. The cached count is stale at
 * that moment; it becomes right as soon as a relay (this process restarted, or any other instance)
 * publishes the record, because publishing applies the record's invalidation; and, should no relay
 * run at all, when the entry's TTL ends. Shared by the memory and the Neo4j + Redis runs.
 */
export function cacheCrashScenario(
  name: string,
  make: () => Promise<{ stores: GraphStores; cache: () => Promise<RelationshipCache>; shortTtlCache: () => Promise<RelationshipCache> }>,
) {
  describe(`counts after a crash between commit and invalidation: ${name}`, () => {
    it('are healed by the relay publishing the outbox record of the write', async () => {
      const { stores, cache } = await make();
      const theCache = await cache();
      const bus = new MemoryEventBus();
      const relay = new OutboxRelay({ outbox: stores.outbox, bus, cache: theCache, logger, pollMs: 60_000 });
      const reads = new Relationships({ graph: stores.follows, cache: theCache, logger, onEvents: () => undefined });
      try {
        const [a, b] = [newId(), newId()];
        await relay.drain(); // nothing left from earlier tests
        expect((await reads.stats([b])).get(b)?.followers).toBe(0); // cached: 0
        await stores.follows.follow(a, b, new Date()); // committed; the process dies before invalidating
        expect((await reads.stats([b])).get(b)?.followers).toBe(0); // the crash point: stale
        expect(await relay.drain()).toBeGreaterThanOrEqual(1); // after the restart, the relay publishes...
        expect((await reads.stats([a, b])).get(b)?.followers).toBe(1); // ...and the count is right again
        expect((await reads.stats([a])).get(a)?.following).toBe(1);
      } finally {
        await relay.stop();
        await bus.close();
        await theCache.close();
        await stores.close();
      }
    });

    it('are healed by the TTL when no relay runs', async () => {
      const { stores, shortTtlCache } = await make();
      const theCache = await shortTtlCache();
      const reads = new Relationships({ graph: stores.follows, cache: theCache, logger, onEvents: () => undefined });
      try {
        const [a, b] = [newId(), newId()];
        expect((await reads.stats([b])).get(b)?.followers).toBe(0);
        await stores.follows.follow(a, b, new Date());
        await eventually(async () => ((await reads.stats([b])).get(b)?.followers === 1 ? true : undefined), 5_000);
      } finally {
        await theCache.close();
        await stores.close();
      }
    });

    it('are never stored stale by a read that raced the write (generation taken before the graph read)', async () => {
      const { stores, cache } = await make();
      const theCache = await cache();
      try {
        const [a, b] = [newId(), newId()];
        const token = (await theCache.getStats([b])).get(b)!.token; // reader: generation first...
        const staleRead = (await stores.follows.stats([b])).get(b)!; // ...then the graph (0 followers)
        const writer = new Relationships({ graph: stores.follows, cache: theCache, logger, onEvents: () => undefined });
        await writer.follow(a, b); // writer: commit, then invalidate
        await theCache.setStats([{ userId: b, token, value: staleRead }]); // reader stores its stale value late
        expect((await writer.stats([b])).get(b)?.followers).toBe(1);
      } finally {
        await theCache.close();
        await stores.close();
      }
    });
  });
}
