import { newId } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { memoryOutboxSource, OutboxTable, withOutbox, type OutboxFields } from '../outbox/memory-outbox';
import type { LikeRecord, LikeResult, LikeStore } from './like-store';

type LikeRow = LikeRecord & OutboxFields;
type RemovalRow = OutboxFields & { postId: string; userId: string; removedAt: Date };

const key = (postId: string, userId: string) => `${postId}:${userId}`;
const copy = ({ id, postId, userId, createdAt }: LikeRow): LikeRecord => ({ id, postId, userId, createdAt });

/** The embedded default and the unit-test double; one map plays the unique index. */
export class MemoryLikeStore implements LikeStore {
  private readonly likes = new OutboxTable<LikeRow>(); // by like id
  private readonly byPair = new Map<string, string>(); // (post, person) -> like id: the unique index
  private readonly removals = new OutboxTable<RemovalRow>(); // by like id: the removal claims

  async like(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeResult> {
    const existing = this.byPair.get(key(postId, userId));
    if (existing) return { created: false, like: copy(this.likes.get(existing)!) };
    const row: LikeRow = { id: newId(), postId, userId, createdAt: new Date(), ...withOutbox(outbox) };
    this.likes.set(row.id, row);
    this.byPair.set(key(postId, userId), row.id);
    return { created: true, like: copy(row) };
  }

  async unlike(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeRecord | null> {
    const id = this.byPair.get(key(postId, userId));
    if (!id || this.removals.has(id)) return null;
    const row = this.likes.get(id)!;
    this.removals.set(id, { postId, userId, removedAt: new Date(), ...withOutbox(outbox) });
    this.remove(id);
    return copy(row);
  }

  async likedAmong(userId: string, postIds: readonly string[]): Promise<Set<string>> {
    return new Set(postIds.filter((p) => this.byPair.has(key(p, userId))));
  }

  async listByPost(postId: string, limit: number, beforeId?: string | null): Promise<LikeRecord[]> {
    return [...this.likes.values()]
      .filter((l) => l.postId === postId && (beforeId == null || l.id < beforeId))
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(copy);
  }

  async countByPost(postId: string): Promise<number> {
    return [...this.likes.values()].filter((l) => l.postId === postId).length;
  }

  async postIdsTouchedSince(since: Date, limit: number): Promise<string[]> {
    const ids = new Set<string>();
    for (const l of this.likes.values()) if (l.createdAt >= since) ids.add(l.postId);
    for (const r of this.removals.values()) if (r.removedAt >= since) ids.add(r.postId);
    return [...ids].slice(0, limit);
  }

  outboxSources(): OutboxSource[] {
    return [memoryOutboxSource('likes', this.likes), memoryOutboxSource('like_removals', this.removals, async (id) => this.remove(id))];
  }

  private remove(likeId: string): void {
    const row = this.likes.get(likeId);
    if (!row) return;
    this.likes.delete(likeId);
    this.byPair.delete(key(row.postId, row.userId));
  }
}
