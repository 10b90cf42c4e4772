import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createPost: (_parent, { text }, ctx) => ctx.posts.create(ctx.viewerId, text),
  deletePost: async (_parent, { id }, ctx) => ({ deletedPostId: await ctx.posts.delete(ctx.viewerId, id) }),
  likePost: (_parent, { postId }, ctx) => ctx.likes.like(ctx.viewerId, postId),
  unlikePost: (_parent, { postId }, ctx) => ctx.likes.unlike(ctx.viewerId, postId),
  addComment: (_parent, { postId, text }, ctx) => ctx.comments.add(ctx.viewerId, postId, text),
  deleteComment: async (_parent, { commentId }, ctx) => {
    const deleted = await ctx.comments.delete(ctx.viewerId, commentId);
    return { deletedCommentId: deleted.id, post: await ctx.loaders.post.load(deleted.postId) };
  },
  recordView: (_parent, { postIds }, ctx) => ctx.views.record(postIds),
};
