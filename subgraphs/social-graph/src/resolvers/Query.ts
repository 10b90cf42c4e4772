import { badInput, isId, pageSize } from '@social/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

/**
 * The pull feed reads this many followees per timeline request and merges their recent posts; past
 * it the fan-out costs more than a pull feed can afford (the hybrid push feed takes over there).
 */
export const MAX_FOLLOWING_IDS = 5_000;

export const Query: QueryResolvers = {
  _followingIds: (_root, { userId, first }, ctx) => {
    if (!isId(userId)) throw badInput('"userId" is not a valid user id.', 'userId');
    const limit = first == null ? MAX_FOLLOWING_IDS : pageSize(first, MAX_FOLLOWING_IDS);
    return ctx.graph.followingIds(userId, limit);
  },
};
