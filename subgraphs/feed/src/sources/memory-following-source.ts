import type { FollowingSource } from './following-source';

/** A seedable follow list for unit tests; no order is promised, as with the real social graph. */
export class MemoryFollowingSource implements FollowingSource {
  private readonly following = new Map<string, Set<string>>();

  follow(followerId: string, ...followeeIds: string[]): this {
    const set = this.following.get(followerId) ?? new Set<string>();
    for (const id of followeeIds) set.add(id);
    this.following.set(followerId, set);
    return this;
  }

  unfollow(followerId: string, followeeId: string): this {
    this.following.get(followerId)?.delete(followeeId);
    return this;
  }

  async followingIds(viewerId: string, limit: number): Promise<string[]> {
    return [...(this.following.get(viewerId) ?? [])].slice(0, limit);
  }
}
