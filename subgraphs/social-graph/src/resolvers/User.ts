import { badInput, decodeCursor, forwardConnection, isId, pageSize } from '@social/kit';
import type { Context } from '../context';
import { followKey } from '../loaders';
import type { UserRef } from '../models';
import type { FollowEdge, FollowPosition } from '../stores/follow-graph';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { followCursorSchema, fromFollowCursor, toFollowCursor } from './cursors';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** A UserConnection over any newest-first keyset list. */
async function connection(args: PageArgs, read: (limit: number, after: FollowPosition | null) => Promise<FollowEdge[]>) {
  const limit = pageSize(args.first);
  const after = args.after != null ? fromFollowCursor(decodeCursor(args.after, followCursorSchema)) : null;
  // One row beyond the page tells whether another page exists.
  const rows = await read(limit + 1, after);
  const page = forwardConnection(rows, limit, toFollowCursor, (row) => row, after !== null);
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

const stats = (user: UserRef, ctx: Context) => ctx.loaders.stats.load(user.id);

export const User: UserResolvers = {
  // Any id is a valid reference: a person with no follows simply has empty lists and zero counts.
  __resolveReference: (ref) => ({ id: ref.id }),
  followers: (user, args, ctx) => connection(args, (limit, after) => ctx.relationships.graph.followers(user.id, { limit, after })),
  following: (user, args, ctx) => connection(args, (limit, after) => ctx.relationships.graph.following(user.id, { limit, after })),
  mutualFollows: (user, args, ctx) => {
    if (!isId(args.other)) throw badInput('"other" is not a valid user id.', 'other');
    // Everyone someone follows is followed by that someone: a person's mutuals with themselves are their following.
    if (args.other === user.id) return connection(args, (limit, after) => ctx.relationships.graph.following(user.id, { limit, after }));
    return connection(args, (limit, after) => ctx.discovery.mutualFollows(user.id, args.other, { limit, after }));
  },
  followedByPeopleYouFollow: async (user, _args, ctx) => {
    if (!ctx.viewerId || ctx.viewerId === user.id) return { totalCount: 0, sample: [] };
    const { total, sample } = await ctx.loaders.followedBy.load(user.id);
    return { totalCount: total, sample: sample.map((id) => ({ id })) };
  },
  followerCount: async (user, _args, ctx) => (await stats(user, ctx)).followers,
  followingCount: async (user, _args, ctx) => (await stats(user, ctx)).following,
  isVip: async (user, _args, ctx) => (await stats(user, ctx)).isVip,
  isFollowing: (user, _args, ctx) => follows(ctx, ctx.viewerId, user.id),
  followsViewer: (user, _args, ctx) => follows(ctx, user.id, ctx.viewerId),
  blockedByViewer: (user, _args, ctx) => (ctx.viewerId && ctx.viewerId !== user.id ? ctx.loaders.blockedByViewer.load(user.id) : false),
};
