import { RoundedPareto, sortedUniformTimes } from './distributions';
import { IdFactory } from './ids';
import { stream, type Rng } from './prng';
import type { Shape } from './scale';

export interface Posts {
  count: number;
  /** Posts written by each user. */
  perUser: Int32Array;
  /** Post i (in creation order, oldest first): its author and createdAt (epoch ms, non-decreasing). */
  author: Int32Array;
  createdAt: Float64Array;
  /** The distribution per-user counts were drawn from (for the targets in the stats table). */
  distribution: RoundedPareto;
  ids: IdFactory;
}

/**
 * Posts per user follow the same kind of power law as followers (most people post a little, a few post
 * a lot); value = round(scale * Pareto) - 1, so some users post nothing. Times are uniform over the
 * last postWindowDays. Posts are produced already in time order (sorted uniform times, authors
 * shuffled over them), so the id counter can simply be the index.
 */
export function generatePosts(n: number, postsMean: number, shape: Shape, seed: number, now: number): Posts {
  const rng = stream(seed, 'posts');
  const distribution = RoundedPareto.withMean(shape.postsAlpha, postsMean, shape.postsCap, 1);
  const perUser = new Int32Array(n);
  let count = 0;
  for (let u = 0; u < n; u++) count += perUser[u] = distribution.sample(rng);
  const author = new Int32Array(count);
  for (let u = 0, i = 0; u < n; u++) author.fill(u, i, (i += perUser[u]!));
  rng.shuffle(author);
  const createdAt = sortedUniformTimes(rng, count, now - shape.postWindowDays * 86_400_000, now);
  return { count, perUser, author, createdAt, distribution, ids: new IdFactory(stream(seed, 'post-ids'), count) };
}

const WORDS = (
  'the a of to and in is it you that for on with this my just so what about today new now time ' +
  'love people good day think know see like great first last best world life game music news ' +
  'coffee night work home city team show story week friends weekend morning photo live update ' +
  'watch read build ship launch thread idea question answer wow yes no maybe soon later again'
).split(' ');

/**
 * A post's text, derived from the seed and the post's index alone (nothing stored per post): 3 to 24
 * common words, never more than 140 characters (the post subgraph's limit, counted in graphemes; these
 * are ASCII, so characters and graphemes agree).
 */
export function postText(seed: number, index: number, rng: Rng = stream(seed ^ index, 'text')): string {
  const words = 3 + rng.int(22);
  let text = `#${index}`;
  for (let i = 0; i < words; i++) {
    const w = WORDS[rng.int(WORDS.length)]!;
    if (text.length + 1 + w.length > 140) break;
    text += ` ${w}`;
  }
  return text;
}
