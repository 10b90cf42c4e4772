import { BoundedCache } from '../src/bounded-cache';

describe('BoundedCache', () => {
  it('returns what was set and counts hits and misses', async () => {
    const cache = new BoundedCache<string>(10);
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', 'plan A');
    expect(await cache.get('a')).toBe('plan A');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 1 });
  });

  it('drops the entry used longest ago once full', async () => {
    const cache = new BoundedCache<number>(2);
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a'); // a is now the most recent
    await cache.set('c', 3); // drops b
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces a value set again without growing, and deletes and clears', async () => {
    const cache = new BoundedCache<number>(2);
    await cache.set('a', 1);
    await cache.set('a', 2);
    expect(cache.size).toBe(1);
    expect(await cache.get('a')).toBe(2);
    expect(await cache.delete('a')).toBe(true);
    await cache.set('b', 1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a size below one', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });
});
