import { z } from 'zod';
import { decodeCursor, encodeCursor, forwardConnection, pageSize } from '@social/kit';
import type { Context } from '../context';
import type { UserRef } from '../models';
import { followKey } from '../loaders';
import type { FollowEdge } from '../stores/follow-graph';
import type { UserResolvers } from '../__generated__/resolvers-types';

/** Inside a cursor: the keyset position (follow time in ms, the other person's id). */
const cursorSchema = z.object({ t: z.number().int().nonnegative(), id: z.string().regex(/^[0-9a-f]{24}$/) });

const toCursor = (edge: FollowEdge) => encodeCursor({ t: edge.followedAt.getTime(), id: edge.userId });

async function followConnection(
  list: 'followers' | 'following',
  user: UserRef,
  args: { first?: number | null; after?: string | null },
  ctx: Context,
) {
  const limit = pageSize(args.first);
  const after = args.after != null ? decodeCursor(args.after, cursorSchema) : null;
  // One row beyond the page tells whether another page exists.
  const rows = await ctx.graph[list](user.id, {
    limit: limit + 1,
    after: after ? { followedAt: new Date(after.t), userId: after.id } : null,
  });
  const page = forwardConnection(rows, limit, toCursor, (row) => row, after !== null);
  return {
    edges: page.edges.map(({ cursor, node }) => ({ cursor, followedAt: node.followedAt.toISOString(), node: { id: node.userId } })),
    pageInfo: page.pageInfo,
  };
}

/** The viewer's relation to `other`; false when signed out or looking at themselves. */
function follows(ctx: Context, followerId: string | null, followeeId: string | null): Promise<boolean> | boolean {
  if (!followerId || !followeeId || followerId === followeeId) return false;
  return ctx.loaders.follows.load(followKey(followerId, followeeId));
}

export const User: UserResolvers = {
  // Any id is a valid reference: a person with no follows simply has empty lists and zero counts.
  __resolveReference: (ref) => ({ id: ref.id }),
  followers: (user, args, ctx) => followConnection('followers', user, args, ctx),
  following: (user, args, ctx) => followConnection('following', user, args, ctx),
  followerCount: async (user, _args, ctx) => (await ctx.loaders.counts.load(user.id)).followers,
  followingCount: async (user, _args, ctx) => (await ctx.loaders.counts.load(user.id)).following,
  isFollowing: (user, _args, ctx) => follows(ctx, ctx.viewerId, user.id),
  followsViewer: (user, _args, ctx) => follows(ctx, user.id, ctx.viewerId),
};
