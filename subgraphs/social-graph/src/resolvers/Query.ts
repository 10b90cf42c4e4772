import { badInput, decodeCursor, isId, pageSize } from '@social/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { fromFollowCursor, followCursorSchema, suggestionCursorSchema, toFollowCursor, toSuggestionCursor } from './cursors';

/**
 * The pull feed reads this many followees per timeline request and merges their recent posts; past
 * it the fan-out costs more than a pull feed can afford (the hybrid push feed takes over there).
 */
export const MAX_FOLLOWING_IDS = 5_000;
/** Fan-out reads follower ids in pages of up to this many (one batch of the dispatcher's work). */
export const MAX_FOLLOWER_IDS_PAGE = 5_000;
export const DEFAULT_FOLLOWER_IDS_PAGE = 1_000;

function requireId(value: string, field: string): void {
  if (!isId(value)) throw badInput(`"${field}" is not a valid user id.`, field);
}

export const Query: QueryResolvers = {
  _followingIds: (_root, { userId, first }, ctx) => {
    requireId(userId, 'userId');
    const limit = first == null ? MAX_FOLLOWING_IDS : pageSize(first, MAX_FOLLOWING_IDS);
    return ctx.relationships.graph.followingIds(userId, limit);
  },

  _followedVipIds: (_root, { userId }, ctx) => {
    requireId(userId, 'userId');
    return ctx.relationships.followedVipIds(userId);
  },

  _followerIds: async (_root, { userId, first, after }, ctx) => {
    requireId(userId, 'userId');
    const limit = first == null ? DEFAULT_FOLLOWER_IDS_PAGE : pageSize(first, MAX_FOLLOWER_IDS_PAGE);
    const position = after != null ? fromFollowCursor(decodeCursor(after, followCursorSchema)) : null;
    const rows = await ctx.relationships.followers(userId, limit + 1, position);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { ids: page.map((e) => e.userId), endCursor: last ? toFollowCursor(last) : null, hasNextPage: rows.length > limit };
  },

  suggestions: async (_root, { first, after }, ctx) => {
    const limit = pageSize(first);
    const cursor = after != null ? decodeCursor(after, suggestionCursorSchema) : null;
    const page = await ctx.suggestions.page(ctx.viewerId, limit, cursor);
    if (page.degraded) ctx.degraded.push(page.degraded);
    const version = page.computedAt.getTime();
    const edges = page.items.map((item) => ({
      cursor: toSuggestionCursor(version, item),
      node: { id: item.userId },
      reason:
        item.count > 0
          ? { kind: 'FOLLOWED_BY_PEOPLE_YOU_FOLLOW' as const, count: item.count, sample: item.sample.map((id) => ({ id })) }
          : { kind: 'POPULAR' as const, count: 0, sample: [] },
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      computedAt: page.computedAt.toISOString(),
    };
  },
};
