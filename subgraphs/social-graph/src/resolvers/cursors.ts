import { z } from 'zod';
import { encodeCursor } from '@social/kit';
import type { FollowEdge } from '../stores/follow-graph';
import type { SuggestionItem } from '../stores/suggestion-store';

const id = z.string().regex(/^[0-9a-f]{24}$/);

/** Inside a follow-list cursor: the keyset position (follow time in ms, the other person's id). */
export const followCursorSchema = z.object({ t: z.number().int().nonnegative(), id });

export const toFollowCursor = (edge: FollowEdge) => encodeCursor({ t: edge.followedAt.getTime(), id: edge.userId });

export const fromFollowCursor = (c: z.infer<typeof followCursorSchema>): FollowEdge => ({ followedAt: new Date(c.t), userId: c.id });

/** Inside a suggestions cursor: the ranking's version and the last item's sort key (count, followers, id). */
export const suggestionCursorSchema = z.object({
  v: z.number().int().nonnegative(),
  c: z.number().int().nonnegative(),
  f: z.number().int().nonnegative(),
  id,
});

export const toSuggestionCursor = (version: number, item: SuggestionItem) =>
  encodeCursor({ v: version, c: item.count, f: item.followers, id: item.userId });
