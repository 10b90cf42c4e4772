import { z } from 'zod';
import { badInput, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageSize, unauthenticated } from '@social/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { postRef } from '../models';
import type { TimelineBound } from '../stores/timeline-store';

/**
 * A timeline cursor is the place of a post: its score (creation time in ms) and id. Not an offset, so
 * a post arriving above it never shifts what comes below. Any other JSON (another list's cursor) fails
 * the schema and is BAD_USER_INPUT.
 */
const timelineCursor = z.object({ s: z.number().int().nonnegative(), id: z.string().regex(/^[0-9a-f]{24}$/) }).strict();

const toCursor = (e: TimelineBound) => encodeCursor({ s: e.score, id: e.postId });
const fromCursor = (cursor: string, arg: string): TimelineBound => {
  const { s, id } = decodeCursor(cursor, timelineCursor, arg);
  return { score: s, postId: id };
};

function lastSize(last: number | null | undefined): number {
  if (last == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(last) || last < 1 || last > MAX_PAGE_SIZE) throw badInput(`"last" must be between 1 and ${MAX_PAGE_SIZE}.`, 'last');
  return last;
}

export const Query: QueryResolvers = {
  homeTimeline: async (_parent, { first, after, last, before }, { viewerId, timeline }) => {
    if (!viewerId) throw unauthenticated('Sign in to see your home timeline.');
    const backward = last != null || before != null;
    if (backward && (first != null || after != null)) {
      throw badInput('Use "first"/"after" to scroll down or "last"/"before" for newer posts, not both.', first != null ? 'first' : 'after');
    }
    if (backward && before == null) throw badInput('"last" needs "before": the startCursor of the newest post you have.', 'before');
    const limit = backward ? lastSize(last) : pageSize(first);
    const bound = backward ? fromCursor(before!, 'before') : after == null ? null : fromCursor(after, 'after');
    const read = await timeline.read({ viewerId, limit, direction: backward ? 'newer' : 'older', bound });
    const edges = read.entries.map((e) => ({ cursor: toCursor(e), node: postRef(e.postId) }));
    return {
      edges,
      pageInfo: {
        // Reading upwards from a post you have: everything below it is still there.
        hasNextPage: backward ? true : read.hasMore,
        hasPreviousPage: backward ? read.hasMore : false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      timelineStatus: read.status,
    };
  },
};
