import type { CommentResolvers } from '../__generated__/resolvers-types';

export const Comment: CommentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.comment.load(ref.id),
  author: (comment) => ({ id: comment.authorId }),
  // Null once the post is deleted: the comment outlives it only until clients drop it.
  post: (comment, _args, ctx) => ctx.loaders.post.load(comment.postId),
  mentions: (comment) => comment.mentions.map((id) => ({ id })),
  createdAt: (comment) => comment.createdAt.toISOString(),
};
