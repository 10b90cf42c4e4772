import type { PostResolvers } from '../__generated__/resolvers-types';

export const Post: PostResolvers = {
  // Batched through the request's DataLoader: a timeline page of posts is one findByIds call.
  __resolveReference: (ref, ctx) => ctx.loaders.post.load(ref.id),
  author: (post) => ({ id: post.authorId }),
  createdAt: (post) => post.createdAt.toISOString(),
};
