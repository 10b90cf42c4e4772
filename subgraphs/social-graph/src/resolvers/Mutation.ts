import { badInput, isId, unauthenticated } from '@social/kit';
import type { Subject } from '@social/events';
import type { Context } from '../context';
import type { MutationResolvers } from '../__generated__/resolvers-types';

/** Checks shared by follow and unfollow; returns the signed-in viewer's id. */
function checkTarget(ctx: Context, userId: string, verb: 'follow' | 'unfollow'): string {
  if (!ctx.viewerId) throw unauthenticated(`You must be signed in to ${verb} someone.`);
  if (!isId(userId)) throw badInput('"userId" is not a valid user id.', 'userId');
  if (userId === ctx.viewerId) throw badInput(`You cannot ${verb} yourself.`, 'userId');
  return ctx.viewerId;
}

async function requireExisting(ctx: Context, userId: string): Promise<void> {
  const existing = await ctx.users.existingIds([userId]);
  if (!existing.has(userId)) throw badInput('No user has this id.', 'userId');
}

/**
 * The graph is the source of truth; the event tells the feed (and later notifications) about it.
 * A failed publish is logged and the mutation still succeeds: the follow happened. A transactional
 * outbox replaces this best-effort publish in a later issue.
 */
async function announce(
  ctx: Context,
  subject: Extract<Subject, 'user.followed' | 'user.unfollowed'>,
  followerId: string,
  followeeId: string,
) {
  try {
    await ctx.bus.publish(subject, { followerId, followeeId });
  } catch (err) {
    ctx.logger.error({ err, subject, followerId, followeeId }, 'could not publish follow event; continuing without it');
  }
}

export const Mutation: MutationResolvers = {
  follow: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'follow');
    await requireExisting(ctx, userId);
    const changed = await ctx.graph.follow(viewerId, userId, new Date());
    if (changed) await announce(ctx, 'user.followed', viewerId, userId);
    return { user: { id: userId }, viewer: { id: viewerId }, changed };
  },

  unfollow: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'unfollow');
    const changed = await ctx.graph.unfollow(viewerId, userId);
    // A removed follow proves the person exists; only a no-op needs the user service to tell an
    // unknown id (an error) from someone the viewer simply did not follow (changed: false).
    if (!changed) await requireExisting(ctx, userId);
    if (changed) await announce(ctx, 'user.unfollowed', viewerId, userId);
    return { user: { id: userId }, viewer: { id: viewerId }, changed };
  },
};
