import type { QueryResolvers } from '../__generated__/resolvers-types';
import { requireId } from '../post-service';

export const Query: QueryResolvers = {
  post: (_parent, { id }, ctx) => {
    requireId(id, 'id');
    return ctx.loaders.post.load(id);
  },
  // Through the per-request loader: the gateway resolves a batch of live commentAdded events as one
  // request with a comment(id:) field per event, which the loader turns into one store query.
  comment: (_parent, { id }, ctx) => {
    requireId(id, 'id');
    return ctx.loaders.comment.load(id);
  },
  // @inaccessible: only reachable by our own services (the feed), with a signed request.
  _recentPostIds: (_parent, { authorIds, first, before }, ctx) => ctx.posts.recentIds(authorIds, first, before),
  _livePostIds: (_parent, { ids }, ctx) => ctx.posts.liveIds(ids),
};
