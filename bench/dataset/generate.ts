import { createHash } from 'node:crypto';
import { sortedUniformTimes } from './distributions';
import { buildFollowGraph, type FollowGraph } from './graph';
import { IdFactory } from './ids';
import { generatePosts, type Posts } from './posts';
import { stream } from './prng';
import { TWITTER_SHAPE, type Scale, type Shape } from './scale';

export const DEFAULT_SEED = 20100426; // the first day of WWW 2010, where the shape comes from

export interface GenerateOptions {
  scale: Scale;
  seed?: number;
  /**
   * The moment the dataset ends (epoch ms): posts fall in the week before it, and ids embed times
   * relative to it. Defaults to now, rounded down to the minute. Everything else depends on the seed only.
   */
  now?: number;
  shape?: Partial<Shape>;
}

export interface Users {
  count: number;
  /** 24-hex ObjectIds; their embedded time is the account's createdAt. */
  ids: string[];
  createdAt: Float64Array;
}

export interface Dataset {
  scale: Scale;
  seed: number;
  now: number;
  shape: Shape;
  users: Users;
  follows: FollowGraph;
  posts: Posts;
  /** sha256 of the follow edges (follower, followee pairs) alone: the same for a seed whatever `now`. */
  edgesChecksum: string;
  /** Milliseconds spent per generation step. */
  timings: Record<'users' | 'follows' | 'posts', number>;
}

/** `u000123`: six digits up to a million users, wider beyond. */
export function handleOf(index: number, users: number): string {
  return `u${String(index).padStart(Math.max(6, String(users - 1).length), '0')}`;
}

export const BENCH_EMAIL_DOMAIN = 'bench.example'; // reserved for documentation (RFC 2606): never a real inbox

export function emailOf(index: number, users: number): string {
  return `${handleOf(index, users)}@${BENCH_EMAIL_DOMAIN}`;
}

/**
 * Generates a whole dataset in memory, deterministically from the seed (and `now` for absolute times).
 * Everything is typed arrays except the user id strings: M (100k users, ~3.5M follows, ~500k posts)
 * takes a few seconds and a few hundred MB at most.
 */
export function generate(opts: GenerateOptions): Dataset {
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const now = opts.now ?? Math.floor(Date.now() / 60_000) * 60_000;
  const shape: Shape = { ...TWITTER_SHAPE, ...opts.shape };
  const n = opts.scale.users;
  const t0 = performance.now();

  // Accounts were created over userAgeDays, all before the posting window; ids in creation order.
  const userRng = stream(seed, 'users');
  const dayMs = 86_400_000;
  const windowStart = now - shape.postWindowDays * dayMs;
  const times = sortedUniformTimes(userRng, n, windowStart - shape.userAgeDays * dayMs, windowStart);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  userRng.shuffle(order); // order[r] = the user created r-th
  const idFactory = new IdFactory(stream(seed, 'user-ids'), n);
  const createdAt = new Float64Array(n);
  const ids = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    const u = order[r]!;
    createdAt[u] = times[r]!;
    ids[u] = idFactory.id(r, times[r]!);
  }
  const t1 = performance.now();

  const follows = buildFollowGraph(n, shape, seed, createdAt, now);
  const t2 = performance.now();
  const posts = generatePosts(n, opts.scale.postsMean, shape, seed, now);
  const t3 = performance.now();

  return {
    scale: opts.scale,
    seed,
    now,
    shape,
    users: { count: n, ids, createdAt },
    follows,
    posts,
    edgesChecksum: checksum(follows.from, follows.to),
    timings: { users: t1 - t0, follows: t2 - t1, posts: t3 - t2 },
  };
}

function checksum(...arrays: ArrayBufferView[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex');
}

/** The post's id: its embedded second is its createdAt's, and ids sort exactly like createdAt. */
export function postId(data: Dataset, index: number): string {
  return data.posts.ids.id(index, data.posts.createdAt[index]!);
}
