/**
 * Dataset scales and the shape every scale is drawn to. The shape is the measured Twitter follow graph
 * of Kwak, Lee, Park and Moon, "What is Twitter, a social network or a news media?" (WWW 2010): 41.7M
 * users, 1.47B follow edges (35 per user), follower counts power-law with exponent 2.276 (their fit of
 * the follower-count distribution), 22.1% of connected user pairs reciprocal, and a handful of accounts
 * far above the power-law tail (their largest was followed by about 7% of all users).
 */
export interface Scale {
  /** "S", "M", or the user count for custom scales. */
  name: string;
  users: number;
  /** Posts per user on average; lower at M so the post collection stays quick to load. */
  postsMean: number;
}

export const SCALES: Record<'S' | 'M', Scale> = {
  S: { name: 'S', users: 10_000, postsMean: 10 },
  M: { name: 'M', users: 100_000, postsMean: 5 },
};

export const MIN_USERS = 50; // below this the shape is meaningless and the celebrity tier would not fit

/** "S", "M" (any case) or a number of users ("2000", "2_000", "2k"). */
export function parseScale(value: string): Scale {
  const v = value.trim();
  const named = SCALES[v.toUpperCase() as 'S' | 'M'];
  if (named) return named;
  const m = /^(\d[\d_]*)(k?)$/i.exec(v);
  if (!m) throw new Error(`--scale must be S, M or a number of users, not "${value}"`);
  const users = Number(m[1]!.replace(/_/g, '')) * (m[2] ? 1000 : 1);
  if (users < MIN_USERS) throw new Error(`--scale needs at least ${MIN_USERS} users`);
  return { name: String(users), users, postsMean: 10 };
}

export interface Shape {
  /** Follows per user (= followers per user), after reciprocal follows are added. */
  meanFollows: number;
  /** Share of connected (unordered) pairs that follow each other. */
  reciprocity: number;
  /** Exponent of the follower-count power law (density ~ k^-alpha). */
  alpha: number;
  /**
   * Celebrity follower counts as a share of all users, far above the power-law body. Kwak et al.'s
   * largest account was followed by ~7% of users; the rest tail off below it.
   */
  celebrityFractions: number[];
  /** The power-law body is cut here (share of users), so the celebrities stand apart from it. */
  bodyCapFraction: number;
  /** The feed's default VIP threshold (followers). */
  vipThreshold: number;
  /**
   * How many of the top celebrities are lifted just past vipThreshold when that takes at most
   * vipLiftMaxFraction of users (true at M: 10,500 of 100k), so VIPs exist at the default threshold.
   */
  vipLiftCount: number;
  vipLiftMaxFraction: number;
  /** Spread (log-normal sigma) and cap of how many accounts a user tends to follow: lighter-tailed than followers. */
  outSigma: number;
  outCap: number;
  /**
   * Follow-backs favour ordinary accounts: a follower slot of account v is mutual with probability
   * min(1, c * (meanFollows / followers(v))^followBackGamma), so celebrities rarely follow back.
   */
  followBackGamma: number;
  /** Posts per user: the same kind of power law, this exponent, at most this many per user. */
  postsAlpha: number;
  postsCap: number;
  /** Accounts were created over this many days, ending postWindowDays before now. */
  userAgeDays: number;
  /** Posts are spread over the last this-many days. */
  postWindowDays: number;
  /** A follow-back comes this long (mean, exponential) after the follow it answers. */
  followBackMeanDays: number;
}

export const TWITTER_SHAPE: Shape = {
  meanFollows: 35,
  reciprocity: 0.22,
  alpha: 2.28,
  celebrityFractions: [0.07, 0.05, 0.04, 0.033, 0.027, 0.022],
  bodyCapFraction: 0.02,
  vipThreshold: 10_000,
  vipLiftCount: 2,
  vipLiftMaxFraction: 0.15,
  outSigma: 1.0,
  outCap: 2_000, // Twitter's follow limit for ordinary accounts at the time of the crawl
  followBackGamma: 0.5,
  postsAlpha: 2.28,
  postsCap: 700, // 100 a day for a week: a very busy account, not a bot farm
  userAgeDays: 730,
  postWindowDays: 7,
  followBackMeanDays: 2,
};
