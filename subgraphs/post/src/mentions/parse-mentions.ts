/**
 * The @handles a text mentions, lower-cased and without duplicates, in order of first appearance.
 * A handle is what the user subgraph accepts (3 to 15 ASCII letters, digits or underscores, unique
 * regardless of case). A token counts only when it stands on its own: not inside an email address
 * or a longer word (`bob@example.com`, `x@bob`), and not a prefix of a longer run of handle
 * characters (`@abcdefghijklmnopq` is no mention of `@abcdefghijklmno`). Punctuation may follow
 * (`@bob, hi`, `thanks @bob!`).
 */
// Any letter or digit before the @ (in any script) makes it part of a word or an email address.
const MENTION = /(?<![\p{L}\p{N}\p{M}_@.+-])@([A-Za-z0-9_]{3,15})(?![\p{L}\p{N}\p{M}_@]|\.[A-Za-z0-9_])/gu;

export function parseMentions(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) seen.add(match[1]!.toLowerCase());
  return [...seen];
}
