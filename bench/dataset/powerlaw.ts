/**
 * Fitting a discrete power law to a degree sequence as Clauset, Shalizi and Newman ("Power-law
 * distributions in empirical data", SIAM Review 2009) do: for each candidate x_min, the exact discrete
 * maximum-likelihood exponent (likelihood normalised by the Hurwitz zeta function), and the x_min whose
 * fit has the smallest Kolmogorov-Smirnov distance to the data's tail.
 */
export interface PowerLawFit {
  alpha: number;
  xMin: number;
  /** Values >= xMin (the fitted tail) and the KS distance there. */
  tailSize: number;
  ks: number;
  /** Standard error of alpha: (alpha - 1) / sqrt(n). */
  stdErr: number;
}

/** Hurwitz zeta: sum over k >= 0 of (q + k)^-s, for s > 1, q >= 1 (Euler-Maclaurin after 12 terms). */
export function hurwitzZeta(s: number, q: number): number {
  const N = 12;
  let sum = 0;
  for (let k = 0; k < N; k++) sum += Math.pow(q + k, -s);
  const a = q + N;
  const a1 = Math.pow(a, -s);
  // Tail integral, half the first omitted term, and the first three Bernoulli corrections.
  sum += (a * a1) / (s - 1) + a1 / 2;
  let term = (s * a1) / a; // s * a^(-s-1)
  sum += term / 12;
  term *= ((s + 1) * (s + 2)) / (a * a); // s(s+1)(s+2) a^(-s-3)
  sum -= term / 720;
  term *= ((s + 3) * (s + 4)) / (a * a);
  sum += term / 30240;
  return sum;
}

/** The exact discrete MLE of alpha for values >= xMin, given n and the sum of their logarithms. */
export function discreteMle(n: number, sumLog: number, xMin: number): number {
  const negLogLik = (alpha: number) => n * Math.log(hurwitzZeta(alpha, xMin)) + alpha * sumLog;
  // The log-likelihood is concave in alpha: golden-section search on a bracket wide enough for any degree data.
  let lo = 1.01;
  let hi = 6;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = negLogLik(x1);
  let f2 = negLogLik(x2);
  for (let i = 0; i < 80; i++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = negLogLik(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = negLogLik(x2);
    }
  }
  return (lo + hi) / 2;
}

export interface FitOptions {
  /** Do not consider an x_min leaving fewer values than this in the tail (the fit would be noise). */
  minTail?: number;
}

/** The CSN fit of a sequence of positive integers (zeros and negatives are ignored). */
export function fitPowerLaw(values: ArrayLike<number>, opts: FitOptions = {}): PowerLawFit {
  const minTail = opts.minTail ?? 100;
  const sorted = Float64Array.from(Array.prototype.filter.call(values, (v: number) => v >= 1) as number[]).sort();
  const n = sorted.length;
  if (n < 2) throw new Error('need at least two positive values to fit');
  // Distinct values, how many values are >= each, and the sum of logs from there on.
  const distinct: number[] = [];
  const countFrom: number[] = [];
  const logFrom: number[] = [];
  let logSum = 0;
  for (let i = n - 1; i >= 0; i--) {
    logSum += Math.log(sorted[i]!);
    if (i === 0 || sorted[i - 1] !== sorted[i]) {
      distinct.push(sorted[i]!);
      countFrom.push(n - i);
      logFrom.push(logSum);
    }
  }
  distinct.reverse();
  countFrom.reverse();
  logFrom.reverse();

  let best: PowerLawFit | null = null;
  for (let c = 0; c < distinct.length; c++) {
    const xMin = distinct[c]!;
    const tail = countFrom[c]!;
    if (tail < minTail && best) break;
    const alpha = discreteMle(tail, logFrom[c]!, xMin);
    const ks = ksDistance(distinct, countFrom, c, alpha);
    if (!best || ks < best.ks) best = { alpha, xMin, tailSize: tail, ks, stdErr: (alpha - 1) / Math.sqrt(tail) };
  }
  return best!;
}

/** Largest gap between the tail's empirical and fitted P(X >= x), over the tail's distinct values. */
function ksDistance(distinct: number[], countFrom: number[], c: number, alpha: number): number {
  const xMin = distinct[c]!;
  const tail = countFrom[c]!;
  const zMin = hurwitzZeta(alpha, xMin);
  let z = zMin; // zeta(alpha, x), walked upwards from xMin
  let x = xMin;
  let d = 0;
  for (let i = c; i < distinct.length; i++) {
    const v = distinct[i]!;
    if (v - x > 256) {
      // A long gap: computing zeta(alpha, v) directly is faster than walking to it (and as exact).
      z = hurwitzZeta(alpha, v);
      x = v;
    }
    while (x < v) z -= Math.pow(x++, -alpha);
    const model = z / zMin; // P(X >= v)
    const empiricalAtLeast = countFrom[i]! / tail;
    const empiricalAbove = (countFrom[i + 1] ?? 0) / tail; // P(X > v) = P(X >= next value)
    const modelAbove = model - Math.pow(v, -alpha) / zMin;
    d = Math.max(d, Math.abs(empiricalAtLeast - model), Math.abs(empiricalAbove - modelAbove));
  }
  return d;
}
