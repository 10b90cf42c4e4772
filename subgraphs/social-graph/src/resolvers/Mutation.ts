import { appError, badInput, ErrorCode, isId, unauthenticated } from '@social/kit';
import type { Context } from '../context';
import type { FollowOutcome } from '../stores/follow-graph';
import type { MutationResolvers } from '../__generated__/resolvers-types';

type Verb = 'follow' | 'unfollow' | 'block' | 'unblock';

/** Checks shared by every mutation; returns the signed-in viewer's id. */
function checkTarget(ctx: Context, userId: string, verb: Verb): string {
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
 * FORBIDDEN, not BAD_USER_INPUT: the request is well formed and names a real account, but the
 * relationship does not allow it. That is what Twitter (HTTP 403, error 162 "You have been blocked
 * from following this account") and Mastodon (403 from FollowService when either side blocks) answer,
 * and it tells the client not to retry or correct the input.
 */
function refuse(refused: NonNullable<FollowOutcome['refused']>): never {
  const message =
    refused === 'blocked-by-followee'
      ? 'You cannot follow this account: they have blocked you.'
      : 'You have blocked this account. Unblock them before following.';
  throw appError(ErrorCode.FORBIDDEN, message, { field: 'userId' });
}

/**
 * Every change is committed together with its events (the outbox); the relay publishes them right
 * after, so a mutation never waits for NATS and an event is never lost.
 */
export const Mutation: MutationResolvers = {
  follow: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'follow');
    await requireExisting(ctx, userId);
    const outcome = await ctx.relationships.follow(viewerId, userId);
    if (outcome.refused) refuse(outcome.refused);
    return { user: { id: userId }, viewer: { id: viewerId }, changed: outcome.changed };
  },

  unfollow: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'unfollow');
    const { changed } = await ctx.relationships.unfollow(viewerId, userId);
    // A removed follow proves the person exists; only a no-op needs the user service to tell an
    // unknown id (an error) from someone the viewer simply did not follow (changed: false).
    if (!changed) await requireExisting(ctx, userId);
    return { user: { id: userId }, viewer: { id: viewerId }, changed };
  },

  block: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'block');
    await requireExisting(ctx, userId);
    const { changed } = await ctx.relationships.block(viewerId, userId);
    return { user: { id: userId }, viewer: { id: viewerId }, changed };
  },

  unblock: async (_root, { userId }, ctx) => {
    const viewerId = checkTarget(ctx, userId, 'unblock');
    const { changed } = await ctx.relationships.unblock(viewerId, userId);
    if (!changed) await requireExisting(ctx, userId);
    return { user: { id: userId }, viewer: { id: viewerId }, changed };
  },
};
