/** Seeded pseudo-random numbers (mulberry32): the same seed picks the same readers in every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws `count` items with replacement, each with probability proportional to its weight (e.g.
 * readers by how many accounts they follow: people who follow more open their timeline more). Items
 * of weight 0 are never drawn.
 */
export function weightedSample<T>(items: readonly T[], weight: (item: T) => number, count: number, random: () => number): T[] {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  items.forEach((item, i) => {
    const w = weight(item);
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and non-negative, got ${w}`);
    total += w;
    cumulative[i] = total;
  });
  if (total === 0) throw new Error('cannot sample: every weight is zero');
  const out: T[] = [];
  for (let k = 0; k < count; k++) {
    const target = random() * total;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    out.push(items[lo]!);
  }
  return out;
}
