import { badInput, isId } from '@social/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const MAX_EXISTING_IDS = 100; // one follow batch at most; bounds the $in list of one internal call

export const Query: QueryResolvers = {
  me: (_parent, _args, ctx) => (ctx.viewerId ? ctx.loaders.user.load(ctx.viewerId) : null),

  // A malformed id cannot name anyone, so it is simply not found (like an unknown one).
  user: (_parent, { id }, ctx) => (isId(id) ? ctx.loaders.user.load(id) : null),

  userByHandle: (_parent, { handle }, ctx) => ctx.users.findByHandle(handle.trim()),

  _existingUserIds: async (_parent, { ids }, ctx) => {
    if (ids.length > MAX_EXISTING_IDS) throw badInput(`At most ${MAX_EXISTING_IDS} ids can be checked at once.`, 'ids');
    const existing = new Set(await ctx.users.existingIds(ids.filter(isId)));
    return [...new Set(ids)].filter((id) => existing.has(id));
  },
};
