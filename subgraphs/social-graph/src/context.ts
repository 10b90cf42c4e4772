import type DataLoader from 'dataloader';
import type { Logger } from '@social/kit';
import type { DegradedNotice } from './degraded';
import type { Relationships } from './services/relationships';
import type { Suggestions } from './services/suggestions';
import type { DiscoveryGraph, FollowedBy } from './stores/discovery-graph';
import type { FollowStats } from './stores/follow-graph';
import type { UserDirectory } from './users/user-directory';

/** Per-request batching: one store call per batch of users, however many users a page shows. */
export interface Loaders {
  /** Follower/following counts and the VIP flag by user id (cached; one loader feeds all three fields). */
  stats: DataLoader<string, FollowStats>;
  /** Whether a follow exists, keyed by `followerId>followeeId` (feeds isFollowing and followsViewer). */
  follows: DataLoader<string, boolean>;
  /** Whether the viewer blocks a person, by the person's id. */
  blockedByViewer: DataLoader<string, boolean>;
  /** "Followed by people you follow" for the viewer, by profile id (sample: the most a field may ask). */
  followedBy: DataLoader<string, FollowedBy>;
}

export interface Context {
  /** The calling process, from the verified internal signature ("gateway", "feed", ...). */
  caller: string;
  /** The signed-in person, or null when signed out. */
  viewerId: string | null;
  relationships: Relationships;
  discovery: DiscoveryGraph;
  suggestions: Suggestions;
  users: UserDirectory;
  logger: Logger;
  loaders: Loaders;
  /** Parts of this response answered by a fallback; sent in `extensions.degraded`. */
  degraded: DegradedNotice[];
}
