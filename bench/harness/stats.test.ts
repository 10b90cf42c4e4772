import { median, percentile, SampleBuffer, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it('returns an observed sample: the smallest with at least p% of samples at or below it', () => {
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 51)).toBe(6);
    expect(percentile(sorted, 90)).toBe(9);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 100)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 10)).toBe(1);
    expect(percentile(sorted, 10.0001)).toBe(2);
  });

  it('handles one sample and none', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('gives p99 of 1000 samples as the 990th', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 50)).toBe(500);
  });

  it('refuses a percentile outside 0..100', () => {
    expect(() => percentile(sorted, -1)).toThrow(RangeError);
    expect(() => percentile(sorted, 101)).toThrow(RangeError);
    expect(() => percentile(sorted, Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy numerically (not as strings) and reports count, min, mean, p50, p90, p99, max', () => {
    const samples = [10, 9, 100, 2, 1, 3, 8, 7, 6, 5, 4];
    const copy = [...samples];
    expect(summarize(samples)).toEqual({ count: 11, min: 1, mean: 155 / 11, p50: 6, p90: 10, p99: 100, max: 100 });
    expect(samples).toEqual(copy);
  });

  it('is all NaN but the count for no samples', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect([s.min, s.mean, s.p50, s.p99, s.max].every(Number.isNaN)).toBe(true);
  });
});

describe('median', () => {
  it('takes the middle value, the lower middle for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe('SampleBuffer', () => {
  it('grows past its initial capacity and keeps arrival order', () => {
    const buf = new SampleBuffer();
    for (let i = 0; i < 5000; i++) buf.push(i * 0.5);
    expect(buf.length).toBe(5000);
    expect(buf.values()[0]).toBe(0);
    expect(buf.values()[4999]).toBe(2499.5);
    expect(buf.values()).toHaveLength(5000);
  });
});
