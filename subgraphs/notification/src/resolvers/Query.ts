import type { QueryResolvers } from '../__generated__/resolvers-types';
import { requireViewer } from './viewer';

export const Query: QueryResolvers = {
  notifications: (_parent, { first, after }, ctx) => ctx.notifications.list(requireViewer(ctx), first, after),
  unreadNotificationCount: (_parent, _args, ctx) => ctx.notifications.unreadCount(requireViewer(ctx)),
};
