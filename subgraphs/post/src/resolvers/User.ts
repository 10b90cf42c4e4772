import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // The user subgraph owns people; a reference is all this subgraph needs to list their posts.
  __resolveReference: (ref) => ({ id: ref.id }),
  posts: (user, { first, after }, ctx) => ctx.posts.listByAuthor(user.id, first, after),
};
