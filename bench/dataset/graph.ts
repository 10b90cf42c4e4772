import { RoundedPareto, logNormal } from './distributions';
import { AliasTable, stream, type Rng as Stream } from './prng';
import type { Shape } from './scale';

export interface FollowGraph {
  /** Edge i: user from[i] follows user to[i] since at[i] (epoch ms). Grouped by follower. */
  from: Int32Array;
  to: Int32Array;
  at: Float64Array;
  count: number;
  /** Celebrity user indices, largest planned following first, and their planned follower counts. */
  celebrities: number[];
  celebrityTargets: number[];
  /** The power law the ordinary accounts' follower counts were drawn from. */
  body: RoundedPareto;
  /** Mutual pairs planned (each is two edges). */
  mutualPairs: number;
}

/**
 * Builds the follow graph in typed arrays (no per-edge objects, so 100k users and 3.5M edges take a few
 * seconds and ~100 MB). Every account's follower count is drawn first, and the wiring then gives each
 * account exactly that many distinct followers, so the follower distribution is the one drawn:
 * 1. follower counts: a power law (exponent alpha, cut at bodyCapFraction of users, its scale solved for
 *    a mean of meanFollows), plus a few celebrities with fixed, far larger counts;
 * 2. mutual follows: each follower slot of account v is "mutual" with probability
 *    min(1, c * (meanFollows / followers(v))^followBackGamma), c solved so that the planned mutual pairs
 *    are the wanted share of connected pairs; mutual slots are paired at random (a configuration model),
 *    so ordinary accounts follow back and celebrities rarely do;
 * 3. the remaining slots get one-way followers drawn by weight from a lighter-tailed (log-normal) "how
 *    many I follow" distribution (a Chung-Lu draw), redrawing self-follows and repeats.
 * Follow-backs count inside the follower budget, which keeps the follower power law intact (adding them on
 * top would lift every account by a share of its following and steepen the fitted exponent).
 */
export function buildFollowGraph(n: number, shape: Shape, seed: number, createdAt: Float64Array, now: number): FollowGraph {
  const degRng = stream(seed, 'in-degree');
  const outRng = stream(seed, 'out-degree');
  const wireRng = stream(seed, 'wiring');
  const mutualRng = stream(seed, 'mutual');
  const timeRng = stream(seed, 'follow-times');

  // 1. Follower counts.
  const celebrityTargets = celebrityFollowers(n, shape);
  const celebrities: number[] = [];
  const isCelebrity = new Uint8Array(n);
  while (celebrities.length < celebrityTargets.length) {
    const u = degRng.int(n);
    if (isCelebrity[u]) continue;
    isCelebrity[u] = 1;
    celebrities.push(u);
  }
  const celebritySum = celebrityTargets.reduce((a, b) => a + b, 0);
  const bodyMean = Math.max(1, (shape.meanFollows * n - celebritySum) / (n - celebrities.length));
  const bodyCap = Math.min(n - 1, Math.max(Math.round(shape.bodyCapFraction * n), Math.ceil(4 * bodyMean)));
  const body = RoundedPareto.calibrated(shape.alpha, bodyMean, bodyCap);
  const inTarget = new Int32Array(n);
  for (let u = 0; u < n; u++) inTarget[u] = body.sample(degRng);
  celebrities.forEach((u, i) => (inTarget[u] = celebrityTargets[i]!));
  let slots = 0;
  for (let u = 0; u < n; u++) slots += inTarget[u]!;

  // 2. Mutual pairs: r = M / (M + U) and E = 2M + U give M = r E / (1 + r).
  const wantedPairs = Math.round((shape.reciprocity * slots) / (1 + shape.reciprocity));
  const mutualShare = (c: number, d: number) => Math.min(1, c * Math.pow(shape.meanFollows / Math.max(1, d), shape.followBackGamma));
  let lo = 0;
  let hi = 1e6;
  for (let i = 0; i < 100; i++) {
    const c = (lo + hi) / 2;
    let planned = 0;
    for (let u = 0; u < n; u++) planned += inTarget[u]! * mutualShare(c, inTarget[u]!);
    if (planned < 2 * wantedPairs) lo = c;
    else hi = c;
  }
  const stubs: number[] = [];
  for (let u = 0; u < n; u++) {
    const p = mutualShare(lo, inTarget[u]!);
    for (let j = inTarget[u]!; j > 0; j--) if (mutualRng.next() < p) stubs.push(u);
  }
  const pairs = pairStubs(Int32Array.from(stubs), n, mutualRng);
  const mutualPairs = pairs.length / 2;
  const partners = adjacency(
    n,
    pairs,
    pairs.map((_, i) => pairs[i ^ 1]!),
    pairs.length,
  );

  // 3. One-way followers for the remaining slots.
  const outWeight = new Float64Array(n);
  const oneWayMean = (slots - 2 * mutualPairs) / n;
  for (let u = 0; u < n; u++) outWeight[u] = logNormal(outRng, Math.max(1, oneWayMean), shape.outSigma, shape.outCap);
  const alias = new AliasTable(outWeight);
  const from = new Int32Array(slots);
  const to = new Int32Array(slots);
  const at = new Float64Array(slots);
  let e = 0;
  const edge = (a: number, b: number, t: number) => {
    from[e] = a;
    to[e] = b;
    at[e++] = t;
  };
  const followAt = (a: number, b: number) => {
    const lo = Math.max(createdAt[a]!, createdAt[b]!);
    return Math.floor(lo + timeRng.next() * (now - lo));
  };
  const backMs = shape.followBackMeanDays * 86_400_000;
  const seenBy = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    seenBy[v] = v; // no self-follows
    for (let i = partners.offsets[v]!; i < partners.offsets[v + 1]!; i++) {
      const u = partners.targets[i]!;
      seenBy[u] = v;
      if (u < v) continue; // each pair once: the first follow, then the follow-back shortly after
      const first = followAt(u, v);
      const back = Math.min(now, Math.floor(first + timeRng.exponential(backMs)));
      const [a, b] = timeRng.next() < 0.5 ? [u, v] : [v, u];
      edge(a, b, first);
      edge(b, a, back);
    }
    const oneWay = inTarget[v]! - (partners.offsets[v + 1]! - partners.offsets[v]!);
    for (let j = oneWay, misses = 0; j > 0 && misses < 50 * oneWay + 100;) {
      const u = alias.sample(wireRng);
      if (seenBy[u] === v) {
        misses++;
        continue;
      }
      seenBy[u] = v;
      edge(u, v, followAt(u, v));
      j--;
    }
  }
  const grouped = groupByFollower(n, from, to, at, e);
  return { ...grouped, count: e, celebrities, celebrityTargets, body, mutualPairs };
}

/**
 * Pairs mutual-follow stubs at random: a shuffle, then neighbours pair up. A pair of one user with itself,
 * or a pair already made, is retried with the other leftovers a few times; what still cannot pair is
 * dropped (those slots are then filled by one-way followers). Returns [a0, b0, a1, b1, ...].
 */
function pairStubs(stubs: Int32Array, n: number, rng: Stream): Int32Array {
  const out: number[] = [];
  const made = new Set<number>();
  let pending = stubs;
  for (let round = 0; round < 8 && pending.length >= 2; round++) {
    rng.shuffle(pending);
    const left: number[] = [];
    for (let i = 0; i + 1 < pending.length; i += 2) {
      const a = pending[i]!;
      const b = pending[i + 1]!;
      const key = Math.min(a, b) * n + Math.max(a, b);
      if (a === b || made.has(key)) {
        left.push(a, b);
      } else {
        made.add(key);
        out.push(a, b);
      }
    }
    pending = Int32Array.from(left);
  }
  return Int32Array.from(out);
}

/** Stable counting sort of the edges by follower. */
function groupByFollower(n: number, from: Int32Array, to: Int32Array, at: Float64Array, count: number) {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) start[from[e]! + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  const out = { from: new Int32Array(count), to: new Int32Array(count), at: new Float64Array(count) };
  for (let e = 0; e < count; e++) {
    const i = start[from[e]!]!++;
    out.from[i] = from[e]!;
    out.to[i] = to[e]!;
    out.at[i] = at[e]!;
  }
  return out;
}

/** Planned celebrity follower counts, largest first (see Shape.vipLiftCount for the lift past the VIP threshold). */
export function celebrityFollowers(n: number, shape: Shape): number[] {
  const targets = shape.celebrityFractions.map((f) => Math.round(f * n));
  const lift = shape.vipThreshold * 1.05;
  if (lift <= shape.vipLiftMaxFraction * n) {
    for (let i = 0; i < Math.min(shape.vipLiftCount, targets.length); i++) {
      targets[i] = Math.max(targets[i]!, Math.round(shape.vipThreshold * (1.05 - 0.03 * i)));
    }
  }
  return targets.map((t) => Math.min(n - 1, t)).sort((a, b) => b - a);
}

/** Compressed adjacency: the followees of u are targets[offsets[u] .. offsets[u+1]), sorted ascending. */
export interface Adjacency {
  offsets: Int32Array;
  targets: Int32Array;
}

/** Groups edges by follower and sorts each group (repeats and self-follows are kept, so they can be counted). */
export function adjacency(n: number, from: Int32Array, to: Int32Array, count: number): Adjacency {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) offsets[from[e]! + 1]!++;
  for (let u = 0; u < n; u++) offsets[u + 1]! += offsets[u]!;
  const cursor = offsets.slice(0, n);
  const targets = new Int32Array(count);
  for (let e = 0; e < count; e++) targets[cursor[from[e]!]!++] = to[e]!;
  for (let u = 0; u < n; u++) targets.subarray(offsets[u]!, offsets[u + 1]!).sort();
  return { offsets, targets };
}

/** Binary search in a's sorted followees. */
export function hasEdge(adj: Adjacency, a: number, b: number): boolean {
  let lo = adj.offsets[a]!;
  let hi = adj.offsets[a + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = adj.targets[mid]!;
    if (v === b) return true;
    if (v < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
