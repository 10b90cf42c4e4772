import { seededRandom, weightedSample } from './sampling';

describe('seededRandom', () => {
  it('repeats for a seed and differs between seeds, within [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(42));
    expect(Array.from({ length: 5 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(1)).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('weightedSample', () => {
  const people = [
    { id: 'a', following: 1 },
    { id: 'b', following: 3 },
    { id: 'c', following: 0 },
    { id: 'd', following: 6 },
  ];

  it('draws in proportion to the weight and never draws weight 0', () => {
    const draws = weightedSample(people, (p) => p.following, 20_000, seededRandom(7));
    const share = (id: string) => draws.filter((p) => p.id === id).length / draws.length;
    expect(share('c')).toBe(0);
    expect(share('a')).toBeCloseTo(0.1, 1);
    expect(share('b')).toBeCloseTo(0.3, 1);
    expect(share('d')).toBeCloseTo(0.6, 1);
  });

  it('is deterministic for a seed', () => {
    const ids = (seed: number) => weightedSample(people, (p) => p.following, 50, seededRandom(seed)).map((p) => p.id);
    expect(ids(3)).toEqual(ids(3));
  });

  it('refuses all-zero or negative weights', () => {
    expect(() => weightedSample(people, () => 0, 1, seededRandom(1))).toThrow(/every weight is zero/);
    expect(() => weightedSample(people, () => -1, 1, seededRandom(1))).toThrow(RangeError);
  });
});
