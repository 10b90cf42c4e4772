import type { NotificationResolvers } from '../__generated__/resolvers-types';

/** How many actors a notification names; the rest are "and N others". */
export const MAX_SAMPLE_ACTORS = 3;

export const Notification: NotificationResolvers = {
  id: ({ group }) => group.id,
  kind: ({ group }) => group.kind,
  // Members are kept newest first; withdrawn ones (unliked, unfollowed) are not shown.
  actors: ({ group }) =>
    group.members
      .filter((m) => m.present)
      .slice(0, MAX_SAMPLE_ACTORS)
      .map((m) => ({ id: m.userId })),
  actorCount: ({ group }) => group.actorCount,
  post: ({ group }) => (group.postId ? { id: group.postId } : null),
  commentId: ({ group }) => group.commentId,
  createdAt: ({ group }) => group.createdAt.toISOString(),
  updatedAt: ({ group }) => group.updatedAt.toISOString(),
  read: ({ read }) => read,
};
