import type { PostResolvers } from '../__generated__/resolvers-types';

export const Post: PostResolvers = {
  // Batched through the request's DataLoader: a timeline page of posts is one findByIds call.
  __resolveReference: (ref, ctx) => ctx.loaders.post.load(ref.id),
  author: (post) => ({ id: post.authorId }),
  createdAt: (post) => post.createdAt.toISOString(),
  mentions: (post) => post.mentions.map((id) => ({ id })),
  // The three counts of a page of posts share one read of the pending deltas.
  likeCount: async (post, _args, ctx) => (await ctx.loaders.counts.load(post)).likes,
  commentCount: async (post, _args, ctx) => (await ctx.loaders.counts.load(post)).comments,
  viewCount: async (post, _args, ctx) => (await ctx.loaders.counts.load(post)).views,
  viewerHasLiked: (post, _args, ctx) => ctx.loaders.viewerLikes.load(post.id),
  likedBy: async (post, { first, after }, ctx) => {
    const page = await ctx.likes.likers(post.id, first, after);
    return {
      pageInfo: page.pageInfo,
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: { id: e.node.userId }, likedAt: e.node.createdAt.toISOString() })),
    };
  },
  comments: (post, { first, after }, ctx) => ctx.comments.list(post.id, first, after),
};
