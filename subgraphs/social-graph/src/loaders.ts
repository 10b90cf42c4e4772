import DataLoader from 'dataloader';
import type { Loaders } from './context';
import type { Relationships } from './services/relationships';
import type { DiscoveryGraph } from './stores/discovery-graph';

export const followKey = (followerId: string, followeeId: string) => `${followerId}>${followeeId}`;

/** The most names `followedByPeopleYouFollow.sample(first:)` may ask for. */
export const MAX_FOLLOWED_BY_SAMPLE = 10;

/** New loaders for every request, so nothing cached outlives the request that read it. */
export function createLoaders(relationships: Relationships, discovery: DiscoveryGraph, viewerId: string | null): Loaders {
  const graph = relationships.graph;
  return {
    stats: new DataLoader(async (ids: readonly string[]) => {
      const stats = await relationships.stats(ids);
      return ids.map((id) => stats.get(id)!);
    }),
    follows: new DataLoader(async (keys: readonly string[]) => {
      const pairs = keys.map((key) => {
        const [followerId = '', followeeId = ''] = key.split('>');
        return { followerId, followeeId };
      });
      return graph.isFollowing(pairs);
    }),
    blockedByViewer: new DataLoader(async (ids: readonly string[]) =>
      viewerId ? graph.isBlocking(ids.map((blockedId) => ({ blockerId: viewerId, blockedId }))) : ids.map(() => false),
    ),
    followedBy: new DataLoader(async (ids: readonly string[]) => {
      if (!viewerId) return ids.map(() => ({ total: 0, sample: [] }));
      const result = await discovery.followedBy(viewerId, ids, MAX_FOLLOWED_BY_SAMPLE);
      return ids.map((id) => result.get(id) ?? { total: 0, sample: [] });
    }),
  };
}
