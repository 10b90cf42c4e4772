import {
  compareNewestFirst,
  isAfter,
  type FollowCounts,
  type FollowEdge,
  type FollowGraph,
  type FollowPage,
  type FollowPair,
} from './follow-graph';

/**
 * The in-process graph of the embedded default and of unit tests: two adjacency maps (out and in)
 * so both directions and both counts are direct lookups, like relationship degrees in Neo4j.
 */
export class MemoryFollowGraph implements FollowGraph {
  private readonly out = new Map<string, Map<string, Date>>();
  private readonly in = new Map<string, Map<string, Date>>();
  private closed = false;

  async follow(followerId: string, followeeId: string, at: Date): Promise<boolean> {
    this.check();
    const outs = this.edges(this.out, followerId);
    if (outs.has(followeeId)) return false;
    outs.set(followeeId, new Date(at.getTime()));
    this.edges(this.in, followeeId).set(followerId, new Date(at.getTime()));
    return true;
  }

  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    this.check();
    const removed = this.out.get(followerId)?.delete(followeeId) ?? false;
    this.in.get(followeeId)?.delete(followerId);
    return removed;
  }

  async followers(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    this.check();
    return this.page(this.in.get(userId), page);
  }

  async following(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    this.check();
    return this.page(this.out.get(userId), page);
  }

  async counts(userIds: readonly string[]): Promise<Map<string, FollowCounts>> {
    this.check();
    return new Map(userIds.map((id) => [id, { followers: this.in.get(id)?.size ?? 0, following: this.out.get(id)?.size ?? 0 }]));
  }

  async isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]> {
    this.check();
    return pairs.map((p) => this.out.get(p.followerId)?.has(p.followeeId) ?? false);
  }

  async followingIds(userId: string, limit: number): Promise<string[]> {
    return (await this.following(userId, { limit })).map((e) => e.userId);
  }

  async ping(): Promise<void> {
    this.check();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private page(edges: Map<string, Date> | undefined, page: FollowPage): FollowEdge[] {
    if (!edges) return [];
    return [...edges]
      .map(([userId, at]) => ({ userId, followedAt: new Date(at.getTime()) }))
      .filter((e) => isAfter(e, page.after))
      .sort(compareNewestFirst)
      .slice(0, page.limit);
  }

  private edges(index: Map<string, Map<string, Date>>, id: string): Map<string, Date> {
    let edges = index.get(id);
    if (!edges) index.set(id, (edges = new Map()));
    return edges;
  }

  private check(): void {
    if (this.closed) throw new Error('follow graph is closed');
  }
}
