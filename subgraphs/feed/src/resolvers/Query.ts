import { z } from 'zod';
import { decodeCursor, encodeCursor, pageSize, unauthenticated } from '@social/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { postRef } from '../models';

/**
 * A timeline cursor is the id of the last post seen. Post ids are time-ordered, so the same cursor
 * works whichever strategy built the page.
 */
const timelineCursor = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

export const Query: QueryResolvers = {
  homeTimeline: async (_parent, { first, after }, { viewerId, timeline }) => {
    if (!viewerId) throw unauthenticated('Sign in to see your home timeline.');
    const limit = pageSize(first);
    const afterId = after == null ? null : decodeCursor(after, timelineCursor).id;
    const { ids, hasNext } = await timeline.page(viewerId, limit, afterId);
    const edges = ids.map((id) => ({ cursor: encodeCursor({ id }), node: postRef(id) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: hasNext,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  },
};
