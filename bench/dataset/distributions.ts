import { discreteMle } from './powerlaw';
import type { Rng } from './prng';

/**
 * A heavy-tailed count: value = floor(scale * Y + 0.5) - shift, where Y is Pareto with exponent alpha
 * (density ~ y^-alpha, y >= 1), truncated so the value never passes `cap`. Rounding a continuous power
 * law like this is the standard way to draw from a discrete one (Clauset, Shalizi and Newman 2009,
 * appendix D). `scale` is continuous so the mean can be hit exactly; it is solved from the mean below.
 */
export class RoundedPareto {
  readonly beta: number;
  /** Upper bound of Y, so that the value stays <= cap. */
  private readonly yMax: number;
  private readonly tailAtMax: number;

  constructor(
    readonly alpha: number,
    readonly scale: number,
    readonly cap: number,
    readonly shift = 0,
  ) {
    if (!(alpha > 1)) throw new Error('alpha must be > 1');
    this.beta = alpha - 1;
    // value <= cap  <=>  scale * Y + 0.5 < cap + shift + 1
    this.yMax = Math.max(1, (cap + shift + 0.5) / scale);
    this.tailAtMax = Math.pow(this.yMax, -this.beta);
  }

  sample(rng: Rng): number {
    // Inverse CDF of the Pareto truncated to [1, yMax].
    const y = Math.pow(1 - rng.next() * (1 - this.tailAtMax), -1 / this.beta);
    return Math.max(0, Math.min(this.cap, Math.floor(this.scale * y + 0.5) - this.shift));
  }

  /** P(value >= k), exactly. */
  atLeast(k: number): number {
    if (k <= 0) return 1;
    if (k > this.cap) return 0;
    const y = (k + this.shift - 0.5) / this.scale; // value >= k  <=>  Y >= y
    if (y <= 1) return 1;
    if (y >= this.yMax) return 0;
    return (Math.pow(y, -this.beta) - this.tailAtMax) / (1 - this.tailAtMax);
  }

  /** The exact mean: the sum of P(value >= k). */
  mean(): number {
    let m = 0;
    for (let k = 1; k <= this.cap; k++) {
      const p = this.atLeast(k);
      if (p === 0) break;
      m += p;
    }
    return m;
  }

  /** The smallest k with P(value <= k) >= q. */
  quantile(q: number): number {
    for (let k = 0; k <= this.cap; k++) if (1 - this.atLeast(k + 1) >= q) return k;
    return this.cap;
  }

  /** The scale giving the wanted mean (bisection: the mean grows with the scale). */
  static withMean(alpha: number, mean: number, cap: number, shift = 0): RoundedPareto {
    let lo = 0.01;
    let hi = Math.max(1, cap);
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (new RoundedPareto(alpha, mid, cap, shift).mean() < mean) lo = mid;
      else hi = mid;
    }
    return new RoundedPareto(alpha, (lo + hi) / 2, cap, shift);
  }

  /**
   * The exponent a Clauset-Shalizi-Newman fit (discrete MLE, untruncated) would report for this
   * distribution, from its smallest whole value up. A cap biases that fit upwards (the missing tail looks like a
   * steeper fall), the more so the closer the cap sits to the smallest value.
   */
  expectedFit(): number {
    // From the first whole bin: the smallest value's bin is cut by the Pareto's lower bound, which a KS
    // search for x_min skips too.
    const xMin = Math.max(1, Math.ceil(this.scale + 0.5 - this.shift));
    let meanLog = 0;
    for (let k = xMin; k <= this.cap; k++) meanLog += (this.atLeast(k) - this.atLeast(k + 1)) * Math.log(k);
    return discreteMle(1, meanLog / this.atLeast(xMin), xMin);
  }

  /**
   * The distribution with the wanted mean whose expected fitted exponent is `fittedAlpha`: the drawing
   * exponent is lowered just enough to cancel the cap's bias, so the generated data MEASURES like the
   * target (at M the correction is ~0.01, at S, where the cap is only ~14 times the smallest value, ~0.15).
   */
  static calibrated(fittedAlpha: number, mean: number, cap: number, shift = 0): RoundedPareto {
    let lo = Math.max(1.05, fittedAlpha - 1);
    let hi = fittedAlpha + 0.5;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (RoundedPareto.withMean(mid, mean, cap, shift).expectedFit() < fittedAlpha) lo = mid;
      else hi = mid;
    }
    return RoundedPareto.withMean((lo + hi) / 2, mean, cap, shift);
  }
}

/** Log-normal weights with the given mean and spread, capped (the lighter tail for "how many I follow"). */
export function logNormal(rng: Rng, mean: number, sigma: number, cap: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.min(cap, Math.exp(mu + sigma * rng.normal()));
}

/**
 * `count` sorted uniform times in [from, to), as integer milliseconds, drawn in O(n) from exponential
 * spacings (the order statistics of uniforms), so nothing has to be sorted afterwards.
 */
export function sortedUniformTimes(rng: Rng, count: number, from: number, to: number): Float64Array {
  const out = new Float64Array(count);
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += rng.exponential(1);
    out[i] = acc;
  }
  const total = acc + rng.exponential(1);
  const span = to - from;
  for (let i = 0; i < count; i++) out[i] = from + Math.floor((out[i]! / total) * span);
  return out;
}
