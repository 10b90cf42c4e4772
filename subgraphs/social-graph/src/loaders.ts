import DataLoader from 'dataloader';
import type { Loaders } from './context';
import type { FollowGraph } from './stores/follow-graph';

export const followKey = (followerId: string, followeeId: string) => `${followerId}>${followeeId}`;

/** New loaders for every request, so nothing cached outlives the request that read it. */
export function createLoaders(graph: FollowGraph): Loaders {
  return {
    counts: new DataLoader(async (ids: readonly string[]) => {
      const counts = await graph.counts(ids);
      return ids.map((id) => counts.get(id) ?? { followers: 0, following: 0 });
    }),
    follows: new DataLoader(async (keys: readonly string[]) => {
      const pairs = keys.map((key) => {
        const [followerId = '', followeeId = ''] = key.split('>');
        return { followerId, followeeId };
      });
      return graph.isFollowing(pairs);
    }),
  };
}
