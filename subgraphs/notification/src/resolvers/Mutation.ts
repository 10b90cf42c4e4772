import type { MutationResolvers } from '../__generated__/resolvers-types';
import { requireViewer } from './viewer';

export const Mutation: MutationResolvers = {
  markNotificationsRead: (_parent, { upTo }, ctx) => ctx.notifications.markRead(requireViewer(ctx), upTo),
};
