import type { QueryResolvers } from '../__generated__/resolvers-types';
import { requireId } from '../post-service';

export const Query: QueryResolvers = {
  post: (_parent, { id }, ctx) => {
    requireId(id, 'id');
    return ctx.loaders.post.load(id);
  },
  // @inaccessible: only reachable by our own services (the feed), with a signed request.
  _recentPostIds: (_parent, { authorIds, first, before }, ctx) => ctx.posts.recentIds(authorIds, first, before),
  _livePostIds: (_parent, { ids }, ctx) => ctx.posts.liveIds(ids),
};
