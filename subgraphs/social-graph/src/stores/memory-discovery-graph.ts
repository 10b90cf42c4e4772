import {
  compareSuggestions,
  MAX_FOLLOWEES_WALKED,
  SUGGESTION_SAMPLE_SIZE,
  type DiscoveryGraph,
  type FollowedBy,
  type PopularAccount,
  type RankedCandidate,
} from './discovery-graph';
import { compareNewestFirst, isAfter, type FollowEdge, type FollowPage } from './follow-graph';
import type { MemoryFollowGraph } from './memory-follow-graph';

/** Two-step questions over the memory graph's adjacency maps (the same answers as the Cypher). */
export class MemoryDiscoveryGraph implements DiscoveryGraph {
  constructor(private readonly g: MemoryFollowGraph) {}

  async mutualFollows(userId: string, otherId: string, page: FollowPage): Promise<FollowEdge[]> {
    this.g.check();
    const theirs = this.g.out.get(otherId);
    return [...(this.g.out.get(userId) ?? [])]
      .filter(([id]) => theirs?.has(id))
      .map(([id, at]) => ({ userId: id, followedAt: new Date(at.getTime()) }))
      .filter((e) => isAfter(e, page.after))
      .sort(compareNewestFirst)
      .slice(0, page.limit);
  }

  async followedBy(viewerId: string, profileIds: readonly string[], sampleSize: number): Promise<Map<string, FollowedBy>> {
    this.g.check();
    const mine = this.g.out.get(viewerId);
    const result = new Map<string, FollowedBy>();
    for (const profileId of profileIds) {
      const followers = this.g.in.get(profileId);
      const via = [...(mine?.keys() ?? [])].filter((f) => followers?.has(f));
      via.sort((a, b) => this.followers(b) - this.followers(a) || (a < b ? -1 : a > b ? 1 : 0));
      result.set(profileId, { total: via.length, sample: via.slice(0, sampleSize) });
    }
    return result;
  }

  async rankSuggestions(viewerId: string, limit: number): Promise<RankedCandidate[]> {
    this.g.check();
    const followees = [...(this.g.out.get(viewerId) ?? [])]
      .map(([userId, followedAt]) => ({ userId, followedAt }))
      .sort(compareNewestFirst)
      .slice(0, MAX_FOLLOWEES_WALKED)
      .map((e) => e.userId);
    const mine = this.g.out.get(viewerId);
    const via = new Map<string, string[]>();
    for (const f of followees) {
      for (const c of this.g.out.get(f)?.keys() ?? []) {
        if (c === viewerId || mine?.has(c) || this.blockedEitherWay(viewerId, c)) continue;
        const list = via.get(c) ?? [];
        list.push(f);
        via.set(c, list);
      }
    }
    return [...via]
      .map(([userId, fs]) => ({ userId, count: fs.length, followers: this.followers(userId), sample: fs.slice(0, SUGGESTION_SAMPLE_SIZE) }))
      .sort(compareSuggestions)
      .slice(0, limit);
  }

  async excludedFor(viewerId: string, candidateIds: readonly string[]): Promise<Set<string>> {
    this.g.check();
    const mine = this.g.out.get(viewerId);
    return new Set(candidateIds.filter((c) => mine?.has(c) || this.blockedEitherWay(viewerId, c)));
  }

  async popular(limit: number): Promise<PopularAccount[]> {
    this.g.check();
    return [...this.g.in]
      .map(([userId, fs]) => ({ userId, followers: fs.size }))
      .filter((p) => p.followers > 0)
      .sort((a, b) => compareSuggestions({ ...a, count: 0 }, { ...b, count: 0 }))
      .slice(0, limit);
  }

  private followers(id: string): number {
    return this.g.degree(this.g.in, id);
  }

  private blockedEitherWay(a: string, b: string): boolean {
    return (this.g.blocksOut.get(a)?.has(b) ?? false) || (this.g.blocksOut.get(b)?.has(a) ?? false);
  }
}
