import { postId, type Dataset } from './generate';
import { adjacency, hasEdge } from './graph';
import { fitPowerLaw, type PowerLawFit } from './powerlaw';

/** What the generated data measures, computed from the edges and posts themselves (not from the plan). */
export interface DatasetStats {
  scale: string;
  seed: number;
  users: number;
  follows: number;
  meanFollows: number;
  reciprocity: number;
  mutualPairs: number;
  selfFollows: number;
  repeatedFollows: number;
  followerFit: PowerLawFit;
  /** Largest follower counts, largest first. */
  topFollowers: number[];
  maxFollowing: number;
  /** Accounts with at least this many followers: the default VIP threshold, and 1% of users. */
  atLeastVipThreshold: number;
  atLeastOnePercent: number;
  atLeastFivePercent: number;
  posts: number;
  postsPerUser: { mean: number; p50: number; p99: number; max: number; none: number };
  /** Oldest and newest post, in days before `now`. */
  postAgeDays: { oldest: number; newest: number };
  /** Post ids sort exactly like createdAt (checked on every neighbouring pair). */
  postIdsTimeOrdered: boolean;
  edgesChecksum: string;
  generationMs: number;
}

export function measure(data: Dataset): DatasetStats {
  const n = data.users.count;
  const { from, to, count } = data.follows;
  const adj = adjacency(n, from, to, count);
  let selfFollows = 0;
  let repeatedFollows = 0;
  let mutualEdges = 0;
  const following = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    const lo = adj.offsets[u]!;
    const hi = adj.offsets[u + 1]!;
    following[u] = hi - lo;
    for (let i = lo; i < hi; i++) {
      const v = adj.targets[i]!;
      if (v === u) selfFollows++;
      if (i > lo && adj.targets[i - 1] === v) repeatedFollows++;
      else if (hasEdge(adj, v, u)) mutualEdges++;
    }
  }
  const followers = new Int32Array(n);
  for (let e = 0; e < count; e++) followers[to[e]!]!++;
  const sortedFollowers = Int32Array.from(followers).sort().reverse();
  const mutualPairs = mutualEdges / 2;

  const perUser = Int32Array.from(data.posts.perUser).sort();
  let postsTotal = 0;
  let none = 0;
  for (const p of perUser) {
    postsTotal += p;
    if (p === 0) none++;
  }
  const quantile = (q: number) => perUser[Math.min(n - 1, Math.floor(q * n))]!;
  let ordered = true;
  let previous = '';
  for (let i = 0; i < data.posts.count; i++) {
    const id = postId(data, i);
    if (id <= previous || parseInt(id.slice(0, 8), 16) !== Math.floor(data.posts.createdAt[i]! / 1000)) {
      ordered = false;
      break;
    }
    previous = id;
  }
  const dayMs = 86_400_000;
  const times = data.posts.createdAt;

  return {
    scale: data.scale.name,
    seed: data.seed,
    users: n,
    follows: count,
    meanFollows: count / n,
    reciprocity: mutualPairs / (count - mutualPairs),
    mutualPairs,
    selfFollows,
    repeatedFollows,
    followerFit: fitPowerLaw(followers),
    topFollowers: Array.from(sortedFollowers.subarray(0, 10)),
    maxFollowing: following.reduce((a, b) => Math.max(a, b), 0),
    atLeastVipThreshold: sortedFollowers.filter((f) => f >= data.shape.vipThreshold).length,
    atLeastOnePercent: sortedFollowers.filter((f) => f >= n / 100).length,
    atLeastFivePercent: sortedFollowers.filter((f) => f >= n / 20).length,
    posts: postsTotal,
    postsPerUser: { mean: postsTotal / n, p50: quantile(0.5), p99: quantile(0.99), max: perUser[n - 1] ?? 0, none },
    postAgeDays: {
      oldest: times.length ? (data.now - times[0]!) / dayMs : 0,
      newest: times.length ? (data.now - times[times.length - 1]!) / dayMs : 0,
    },
    postIdsTimeOrdered: ordered,
    edgesChecksum: data.edgesChecksum,
    generationMs: data.timings.users + data.timings.follows + data.timings.posts,
  };
}

function topNote(data: Dataset): string {
  const planned = data.shape.celebrityFractions[0]! * data.scale.users;
  const lifted = data.follows.celebrityTargets[0]! > Math.round(planned);
  return lifted
    ? `Kwak et al.: ~7% of users; the top ${data.shape.vipLiftCount} lifted past the ${num(data.shape.vipThreshold)} VIP threshold`
    : 'Kwak et al.: largest ~7% of users';
}

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
const num = (x: number) => x.toLocaleString('en-US');

/** The measured statistics next to their targets, as a Markdown table (readable in a terminal too). */
export function formatStats(s: DatasetStats, data: Dataset): string {
  const shape = data.shape;
  const celebs = data.follows.celebrityTargets;
  const dist = data.posts.distribution;
  const fit = s.followerFit;
  const rows: [string, string, string, string][] = [
    ['users', num(s.users), num(data.scale.users), `scale ${s.scale}`],
    ['follows', num(s.follows), `~${num(Math.round(shape.meanFollows * s.users))}`, ''],
    ['follows per user (mean)', s.meanFollows.toFixed(2), String(shape.meanFollows), 'Kwak et al.: 1.47B edges / 41.7M users'],
    ['reciprocity (mutual / connected pairs)', pct(s.reciprocity), pct(shape.reciprocity, 0), 'Kwak et al.: 22.1%'],
    [
      'follower-count exponent (CSN discrete MLE)',
      `${fit.alpha.toFixed(3)} ± ${fit.stdErr.toFixed(3)}`,
      String(shape.alpha),
      `Kwak et al.: 2.276; x_min ${fit.xMin}, tail ${num(fit.tailSize)} users, KS ${fit.ks.toFixed(4)}; drawn with ${data.follows.body.alpha.toFixed(3)} below a cap of ${num(data.follows.body.cap)}`,
    ],
    ...s.topFollowers.map((f, i): [string, string, string, string] => [
      `followers #${i + 1}`,
      `${num(f)} (${pct(f / s.users, 2)})`,
      i < celebs.length ? `${num(celebs[i]!)} (${pct(celebs[i]! / s.users, 2)})` : `<= ${num(data.follows.body.cap)} (body)`,
      i === 0 ? topNote(data) : i < celebs.length ? 'celebrity' : '',
    ]),
    [`accounts >= ${num(shape.vipThreshold)} followers (default VIP)`, num(s.atLeastVipThreshold), '', ''],
    [`accounts >= 1% of users (${num(s.users / 100)})`, num(s.atLeastOnePercent), '', 'a relative VIP threshold for small scales'],
    [`accounts >= 5% of users (${num(s.users / 20)})`, num(s.atLeastFivePercent), '', ''],
    ['most accounts one user follows', num(s.maxFollowing), '', ''],
    ['self-follows / repeated follows', `${s.selfFollows} / ${s.repeatedFollows}`, '0 / 0', ''],
    ['posts', num(s.posts), `~${num(Math.round(data.scale.postsMean * s.users))}`, ''],
    ['posts per user: mean', s.postsPerUser.mean.toFixed(2), String(data.scale.postsMean), `power law, exponent ${shape.postsAlpha}`],
    ['posts per user: p50', String(s.postsPerUser.p50), String(dist.quantile(0.5)), 'quantiles of the drawn distribution'],
    ['posts per user: p99', String(s.postsPerUser.p99), String(dist.quantile(0.99)), ''],
    ['posts per user: max / users with none', `${s.postsPerUser.max} / ${pct(s.postsPerUser.none / s.users)}`, `<= ${shape.postsCap}`, ''],
    [
      'post times (days before now)',
      `${s.postAgeDays.oldest.toFixed(2)} .. ${s.postAgeDays.newest.toFixed(3)}`,
      `${shape.postWindowDays} .. 0`,
      '',
    ],
    ['post ids ordered like createdAt', s.postIdsTimeOrdered ? 'yes' : 'NO', 'yes', ''],
    ['seed / edges sha256', `${s.seed} / ${s.edgesChecksum.slice(0, 16)}`, '', 'same seed, same edges'],
    ['generation time', `${(s.generationMs / 1000).toFixed(2)} s`, '', ''],
  ];
  const header: [string, string, string, string] = ['metric', 'measured', 'target', 'notes'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
