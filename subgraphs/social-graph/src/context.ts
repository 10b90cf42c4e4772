import type DataLoader from 'dataloader';
import type { EventBus } from '@social/events';
import type { Logger } from '@social/kit';
import type { FollowCounts, FollowGraph } from './stores/follow-graph';
import type { UserDirectory } from './users/user-directory';

/** Per-request batching: one store call per batch of users, however many users a page shows. */
export interface Loaders {
  /** Follower and following counts by user id (one loader feeds both count fields). */
  counts: DataLoader<string, FollowCounts>;
  /** Whether a follow exists, keyed by `followerId>followeeId` (feeds isFollowing and followsViewer). */
  follows: DataLoader<string, boolean>;
}

export interface Context {
  /** The calling process, from the verified internal signature ("gateway", "feed", ...). */
  caller: string;
  /** The signed-in person, or null when signed out. */
  viewerId: string | null;
  graph: FollowGraph;
  users: UserDirectory;
  bus: EventBus;
  logger: Logger;
  loaders: Loaders;
}
