import type { FollowerPage, FollowerSource } from './follower-source';
import type { FollowingSource } from './following-source';

/**
 * A seedable follow graph with VIP flags for unit and model tests: both directions of a follow and the
 * followed-VIP list, answering as the social graph does. Tests change it and publish the matching event.
 */
export class MemorySocialGraph implements FollowingSource, FollowerSource {
  private readonly following = new Map<string, Set<string>>();
  private readonly vips = new Set<string>();

  follow(followerId: string, followeeId: string): this {
    let set = this.following.get(followerId);
    if (!set) this.following.set(followerId, (set = new Set()));
    set.add(followeeId);
    return this;
  }

  unfollow(followerId: string, followeeId: string): this {
    this.following.get(followerId)?.delete(followeeId);
    return this;
  }

  setVip(userId: string, isVip: boolean): this {
    if (isVip) this.vips.add(userId);
    else this.vips.delete(userId);
    return this;
  }

  async followingIds(viewerId: string, limit: number): Promise<string[]> {
    return [...(this.following.get(viewerId) ?? [])].slice(0, limit);
  }

  async followedVipIds(userId: string): Promise<string[]> {
    return [...(this.following.get(userId) ?? [])].filter((id) => this.vips.has(id));
  }

  async followerPage(userId: string, first: number, after: string | null): Promise<FollowerPage> {
    const all = [...this.following].filter(([, followees]) => followees.has(userId)).map(([id]) => id);
    const start = after === null ? 0 : Number(after);
    const ids = all.slice(start, start + first);
    const hasNextPage = start + first < all.length;
    return { ids, endCursor: ids.length ? String(start + ids.length) : null, hasNextPage };
  }
}
