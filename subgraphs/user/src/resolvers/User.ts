import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Gateway entity fetches of many users (a page of posts, a follower list) arrive as one request
  // and become one store call through the loader.
  __resolveReference: (ref, ctx) => ctx.loaders.user.load(ref.id),
  createdAt: (user) => user.createdAt.toISOString(),
};
