import { badInput, unauthenticated } from '@social/kit';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers-types';
import type { SignedIn } from '../auth/accounts';
import type { ProfileChanges } from '../stores/user-store';
import { validateBio, validateDisplayName } from '../validation';

export const Mutation: MutationResolvers = {
  register: async (_parent, { input }, ctx) => toAuthPayload(await ctx.accounts.register(input)),

  login: async (_parent, { input }, ctx) => toAuthPayload(await ctx.accounts.login(input)),

  refreshToken: async (_parent, { refreshToken }, ctx) => toAuthPayload(await ctx.accounts.refresh(refreshToken)),

  logout: async (_parent, { refreshToken }, ctx) => {
    await ctx.accounts.logout(refreshToken);
    return true;
  },

  updateProfile: async (_parent, { input }, ctx) => {
    if (!ctx.viewerId) throw unauthenticated('Sign in to edit your profile.');
    const changes: ProfileChanges = {};
    // null and absent both mean "leave as it is".
    if (input.displayName != null) changes.displayName = validateDisplayName(input.displayName);
    if (input.bio != null) changes.bio = validateBio(input.bio);
    if (changes.displayName === undefined && changes.bio === undefined) {
      throw badInput('Give a new displayName, bio or both.', 'input');
    }
    const user = await ctx.users.updateProfile(ctx.viewerId, changes);
    if (!user) throw unauthenticated('Your account no longer exists.');
    return user;
  },
};

function toAuthPayload({ user, session }: SignedIn): ResolversTypes['AuthPayload'] {
  return {
    accessToken: session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt.toISOString(),
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt.toISOString(),
    user,
  };
}
