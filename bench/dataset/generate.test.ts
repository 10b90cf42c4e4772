import { emailOf, generate, handleOf, postId, type Dataset } from './generate';
import { RoundedPareto } from './distributions';
import { fitPowerLaw, hurwitzZeta } from './powerlaw';
import { AliasTable, Rng, stream } from './prng';
import { parseScale, SCALES } from './scale';
import { formatStats, measure, type DatasetStats } from './stats';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Byte equality of two typed arrays (toEqual walks them element by element, slowly). */
const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('determinism', () => {
  const small = parseScale('2000');

  it('gives the same edges, times and posts for the same seed, and different ones for another seed', () => {
    const a = generate({ scale: small, seed: 7, now: NOW });
    const b = generate({ scale: small, seed: 7, now: NOW });
    const c = generate({ scale: small, seed: 8, now: NOW });
    expect(a.edgesChecksum).toBe(b.edgesChecksum);
    expect(same(a.follows.at, b.follows.at)).toBe(true);
    expect(a.users.ids.join()).toBe(b.users.ids.join());
    expect(same(a.posts.perUser, b.posts.perUser)).toBe(true);
    expect(same(a.posts.createdAt, b.posts.createdAt)).toBe(true);
    expect(postId(a, 17)).toBe(postId(b, 17));
    expect(c.edgesChecksum).not.toBe(a.edgesChecksum);
    expect(c.users.ids.join()).not.toBe(a.users.ids.join());
  });

  it('keeps the graph when only `now` moves (times shift, the edges do not)', () => {
    const a = generate({ scale: small, seed: 7, now: NOW });
    const later = generate({ scale: small, seed: 7, now: NOW + 86_400_000 });
    expect(later.edgesChecksum).toBe(a.edgesChecksum);
    expect(later.posts.createdAt[0]).toBe(a.posts.createdAt[0]! + 86_400_000);
  });

  it('uses no Math.random', () => {
    const spy = jest.spyOn(Math, 'random');
    generate({ scale: parseScale('300'), seed: 1, now: NOW });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('the S-scale shape (Kwak et al. 2010)', () => {
  let data: Dataset;
  let stats: DatasetStats;
  beforeAll(() => {
    data = generate({ scale: SCALES.S, now: NOW });
    stats = measure(data);
  });

  it('has ~35 follows per user', () => {
    expect(stats.users).toBe(10_000);
    expect(stats.meanFollows).toBeGreaterThanOrEqual(32);
    expect(stats.meanFollows).toBeLessThanOrEqual(38);
  });

  it('has ~22% of connected pairs reciprocal', () => {
    expect(Math.abs(stats.reciprocity - 0.22)).toBeLessThanOrEqual(0.03);
  });

  it('has follower counts fitting a power law with exponent ~2.28', () => {
    expect(Math.abs(stats.followerFit.alpha - 2.28)).toBeLessThanOrEqual(0.25);
  });

  it('has celebrities: the top account is followed by at least 3% of users, far above the body', () => {
    expect(stats.topFollowers[0]! / stats.users).toBeGreaterThanOrEqual(0.03);
    expect(stats.topFollowers[0]!).toBeGreaterThan(2 * data.follows.body.cap);
  });

  it('has no self-follows and no repeated follows', () => {
    expect(stats.selfFollows).toBe(0);
    expect(stats.repeatedFollows).toBe(0);
  });

  it('has ~10 posts per user, heavy-tailed, over the last 7 days, with ids ordered like createdAt', () => {
    expect(Math.abs(stats.postsPerUser.mean - 10)).toBeLessThan(1.5);
    expect(stats.postsPerUser.p99).toBeGreaterThan(5 * stats.postsPerUser.p50);
    expect(stats.postAgeDays.oldest).toBeLessThanOrEqual(7);
    expect(stats.postAgeDays.newest).toBeGreaterThanOrEqual(0);
    expect(stats.postIdsTimeOrdered).toBe(true);
  });

  it('prints every measured figure next to its target', () => {
    const table = formatStats(stats, data);
    for (const label of ['follows per user', 'reciprocity', 'exponent', 'followers #1', 'posts per user: p99']) {
      expect(table).toContain(label);
    }
  });
});

describe('ids, times and names', () => {
  const data = generate({ scale: parseScale('1000'), seed: 3, now: NOW });

  it('embeds each post createdAt second in its id, and sorts ids exactly like createdAt', () => {
    let previous = '';
    const wrong: number[] = [];
    for (let i = 0; i < data.posts.count; i++) {
      const id = postId(data, i);
      const ok = /^[0-9a-f]{24}$/.test(id) && parseInt(id.slice(0, 8), 16) === Math.floor(data.posts.createdAt[i]! / 1000) && id > previous;
      if (!ok) wrong.push(i);
      previous = id;
    }
    expect(data.posts.count).toBeGreaterThan(5_000);
    expect(wrong).toEqual([]);
  });

  it('gives users distinct ObjectIds whose time is their createdAt, created before the posting week', () => {
    expect(new Set(data.users.ids).size).toBe(1000);
    const wrong = data.users.ids.filter(
      (id, u) =>
        parseInt(id.slice(0, 8), 16) !== Math.floor(data.users.createdAt[u]! / 1000) || data.users.createdAt[u]! > NOW - 7 * 86_400_000,
    );
    expect(wrong).toEqual([]);
  });

  it('makes follows after both accounts exist and no later than now', () => {
    const { from, to, at, count } = data.follows;
    const wrong: number[] = [];
    for (let e = 0; e < count; e++) {
      const t = at[e]!;
      const exists = Math.max(data.users.createdAt[from[e]!]!, data.users.createdAt[to[e]!]!);
      if (t < exists || t > NOW || !Number.isInteger(t)) wrong.push(e);
    }
    expect(wrong).toEqual([]);
  });

  it('names users u000123 / u000123@bench.example', () => {
    expect(handleOf(123, 10_000)).toBe('u000123');
    expect(handleOf(5, 2_000_000)).toBe('u0000005');
    expect(emailOf(123, 10_000)).toBe('u000123@bench.example');
  });
});

describe('building blocks', () => {
  it('parses scales', () => {
    expect(parseScale('s')).toBe(SCALES.S);
    expect(parseScale('M').users).toBe(100_000);
    expect(parseScale('2000').users).toBe(2000);
    expect(parseScale('2k').users).toBe(2000);
    expect(() => parseScale('XL')).toThrow('--scale');
    expect(() => parseScale('10')).toThrow('at least');
  });

  it('draws uniform numbers in [0, 1) from independent streams', () => {
    const rng = new Rng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    expect(stream(1, 'a').nextU32()).not.toBe(stream(1, 'b').nextU32());
  });

  it('samples an alias table in proportion to the weights', () => {
    const table = new AliasTable([1, 2, 7]);
    const rng = new Rng(2);
    const hits = [0, 0, 0];
    for (let i = 0; i < 100_000; i++) hits[table.sample(rng)]!++;
    expect(hits[0]! / 100_000).toBeCloseTo(0.1, 2);
    expect(hits[2]! / 100_000).toBeCloseTo(0.7, 2);
  });

  it('computes the Hurwitz zeta function', () => {
    expect(hurwitzZeta(2, 1)).toBeCloseTo(Math.PI ** 2 / 6, 10);
    expect(hurwitzZeta(3, 1)).toBeCloseTo(1.2020569031595942, 10);
    expect(hurwitzZeta(2, 2)).toBeCloseTo(Math.PI ** 2 / 6 - 1, 10);
  });

  it('recovers the exponent of an untruncated discrete power law (the fit itself is unbiased)', () => {
    const dist = new RoundedPareto(2.5, 5.5, 1e7);
    const rng = new Rng(4);
    const fit = fitPowerLaw(Array.from({ length: 50_000 }, () => dist.sample(rng)));
    expect(fit.alpha).toBeCloseTo(2.5, 1);
  });

  it('solves a distribution for its mean and calibrates its exponent for the fit', () => {
    const d = RoundedPareto.withMean(2.28, 30, 500);
    expect(d.mean()).toBeCloseTo(30, 6);
    const c = RoundedPareto.calibrated(2.28, 30, 200);
    expect(c.expectedFit()).toBeCloseTo(2.28, 2);
    expect(c.alpha).toBeLessThan(2.28); // the cap steepens the fit; the drawing exponent compensates
  });
});
