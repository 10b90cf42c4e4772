import type { FollowEdge, FollowPage } from './follow-graph';

/**
 * Relationship questions answered by walking the graph two steps: mutual follows, "followed by
 * people you follow" and follow suggestions. Two implementations behind one contract suite
 * (discovery-graph.contract.ts): MemoryDiscoveryGraph and Neo4jDiscoveryGraph.
 */

/** A second-degree account: followed by `count` of the viewer's followees. */
export interface RankedCandidate {
  userId: string;
  /** How many of the viewer's followees follow this account. */
  count: number;
  /** This account's follower count (the tie-break). */
  followers: number;
  /** Up to SUGGESTION_SAMPLE_SIZE of those followees. */
  sample: string[];
}

export interface FollowedBy {
  /** How many of the viewer's followees follow the profile. */
  total: number;
  /** Up to the asked number of them, most followed first (then by id). */
  sample: string[];
}

export interface PopularAccount {
  userId: string;
  followers: number;
}

export const SUGGESTION_SAMPLE_SIZE = 3; // "Followed by A, B and C": three names fit one line on a phone
/**
 * Only the viewer's most recent followees are walked for suggestions. A person following 50,000
 * accounts would otherwise make one suggestion query read millions of relationships; their recent
 * follows say the most about what they want now.
 */
export const MAX_FOLLOWEES_WALKED = 1_000;

export interface DiscoveryGraph {
  /** Accounts both `userId` and `otherId` follow, in `userId`'s following order (newest first). */
  mutualFollows(userId: string, otherId: string, page: FollowPage): Promise<FollowEdge[]>;
  /** For each profile, which of the viewer's followees follow it (sample: at most `sampleSize`). */
  followedBy(viewerId: string, profileIds: readonly string[], sampleSize: number): Promise<Map<string, FollowedBy>>;
  /**
   * Second-degree accounts for the viewer, best first: by count desc, then followers desc, then id asc
   * (a total order, so a ranking can be paged by keyset). Excludes the viewer, accounts the viewer
   * follows and accounts with a block either way. At most `limit`.
   */
  rankSuggestions(viewerId: string, limit: number): Promise<RankedCandidate[]>;
  /** Of `candidateIds`, those the viewer follows or has a block with (either way): what a page must drop. */
  excludedFor(viewerId: string, candidateIds: readonly string[]): Promise<Set<string>>;
  /** The most followed accounts (followers desc, then id asc), accounts with no follower left out. */
  popular(limit: number): Promise<PopularAccount[]>;
}

/** The suggestion order: more followees in common first, then more followers, then the smaller id. */
export function compareSuggestions(
  a: Pick<RankedCandidate, 'userId' | 'count' | 'followers'>,
  b: Pick<RankedCandidate, 'userId' | 'count' | 'followers'>,
): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.followers !== b.followers) return b.followers - a.followers;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}
