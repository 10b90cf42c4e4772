const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Length as a person counts it: one per user-perceived character (grapheme cluster), so an emoji
 * with skin tone or a letter with a combining accent counts once. String.length counts UTF-16 units
 * and would charge such characters two to seven times.
 */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}
