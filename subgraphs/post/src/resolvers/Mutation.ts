import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createPost: (_parent, { text }, ctx) => ctx.posts.create(ctx.viewerId, text),
  deletePost: async (_parent, { id }, ctx) => ({ deletedPostId: await ctx.posts.delete(ctx.viewerId, id) }),
};
