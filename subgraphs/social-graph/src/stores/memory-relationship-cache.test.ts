import { newId } from '@social/kit';
import { MemoryRelationshipCache } from './memory-relationship-cache';
import { relationshipCacheContract } from './relationship-cache.contract';

relationshipCacheContract('memory', async ({ ttlMs }) => new MemoryRelationshipCache({ ttlMs }));

describe('MemoryRelationshipCache', () => {
  it('expires by its clock (tests move time instead of waiting)', async () => {
    let now = 0;
    const cache = new MemoryRelationshipCache({ ttlMs: 1_000, now: () => now });
    const a = newId();
    const { token } = (await cache.getStats([a])).get(a)!;
    await cache.setStats([{ userId: a, token, value: { followers: 1, following: 0, isVip: false } }]);
    now = 999;
    expect((await cache.getStats([a])).get(a)?.value).not.toBeNull();
    now = 1_000;
    expect((await cache.getStats([a])).get(a)?.value).toBeNull();
  });

  it('keeps nothing with a TTL of 0 (the cache turned off)', async () => {
    const cache = new MemoryRelationshipCache({ ttlMs: 0 });
    const a = newId();
    const { token } = (await cache.getStats([a])).get(a)!;
    await cache.setStats([{ userId: a, token, value: { followers: 1, following: 0, isVip: false } }]);
    expect((await cache.getStats([a])).get(a)?.value).toBeNull();
  });
});
