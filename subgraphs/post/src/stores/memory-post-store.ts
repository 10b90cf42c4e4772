import { isId, newId } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { memoryOutboxSource, withOutbox, type OutboxFields } from '../outbox/memory-outbox';
import {
  ZERO_COUNTS,
  type CountDeltas,
  type NewPost,
  type PostCountsRow,
  type PostRecord,
  type PostStore,
  type StoredCounts,
} from './post-store';

type Row = PostRecord & OutboxFields;
type DeletionRow = OutboxFields & { deletedAt: Date };

const copy = (r: Row): PostRecord => ({
  id: r.id,
  authorId: r.authorId,
  text: r.text,
  createdAt: r.createdAt,
  deletedAt: r.deletedAt,
  mentions: [...r.mentions],
  counts: { ...r.counts },
  lastFlushId: r.lastFlushId,
});

/** The embedded default and the unit-test double. Returns copies so callers cannot mutate the store. */
export class MemoryPostStore implements PostStore {
  private readonly posts = new Map<string, Row>();
  private readonly deletions = new Map<string, DeletionRow>();

  async create(post: NewPost): Promise<PostRecord> {
    const base = {
      id: newId(),
      authorId: post.authorId,
      text: post.text,
      createdAt: new Date(),
      deletedAt: null,
      mentions: [...(post.mentions ?? [])],
      counts: { ...ZERO_COUNTS },
      lastFlushId: null,
    };
    const row: Row = { ...base, ...withOutbox(post.outbox?.(copy({ ...base, ...withOutbox() }))) };
    this.posts.set(row.id, row);
    return copy(row);
  }

  async findByIds(ids: readonly string[]): Promise<PostRecord[]> {
    const found: PostRecord[] = [];
    for (const id of new Set(ids)) {
      const post = this.live(id);
      if (post) found.push(copy(post));
    }
    return found;
  }

  async findById(id: string): Promise<PostRecord | null> {
    const post = this.live(id);
    return post ? copy(post) : null;
  }

  async liveIds(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => this.live(id) !== undefined);
  }

  async listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]> {
    return this.newestFirst((p) => p.authorId === authorId, limit, beforeId).map(copy);
  }

  async recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]> {
    const authors = new Set(authorIds);
    return this.newestFirst((p) => authors.has(p.authorId), limit, beforeId).map((p) => p.id);
  }

  async softDelete(id: string, outbox: OutboxItem[] = []): Promise<PostRecord | null> {
    const post = this.live(id);
    if (!post || this.deletions.has(id)) return null;
    const deletedAt = new Date();
    this.deletions.set(id, { deletedAt, ...withOutbox(outbox) });
    post.deletedAt = deletedAt;
    return copy(post);
  }

  async findCounts(ids: readonly string[]): Promise<PostCountsRow[]> {
    const rows: PostCountsRow[] = [];
    for (const id of new Set(ids)) {
      const p = this.posts.get(id);
      if (p) rows.push({ id, counts: { ...p.counts }, lastFlushId: p.lastFlushId });
    }
    return rows;
  }

  async applyCounterFlush(flushId: string, deltas: CountDeltas): Promise<void> {
    for (const [id, delta] of deltas) {
      const p = this.posts.get(id);
      if (!p || p.lastFlushId === flushId) continue;
      addCounts(p.counts, delta);
      p.lastFlushId = flushId;
    }
  }

  async adjustCounts(id: string, delta: Partial<StoredCounts>): Promise<void> {
    const p = this.posts.get(id);
    if (p) addCounts(p.counts, delta);
  }

  outboxSources(): OutboxSource[] {
    return [
      memoryOutboxSource('posts', this.posts),
      memoryOutboxSource('post_deletions', this.deletions, async (id) => {
        const post = this.posts.get(id);
        if (post && !post.deletedAt) post.deletedAt = this.deletions.get(id)!.deletedAt;
      }),
    ];
  }

  private live(id: string): Row | undefined {
    const post = isId(id) ? this.posts.get(id) : undefined;
    return post && !post.deletedAt ? post : undefined;
  }

  // Equal-length lowercase hex ids compare as strings the way ObjectIds compare as bytes.
  private newestFirst(match: (p: Row) => boolean, limit: number, beforeId?: string | null): Row[] {
    return [...this.posts.values()]
      .filter((p) => !p.deletedAt && match(p) && (beforeId == null || p.id < beforeId))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit);
  }
}

function addCounts(counts: StoredCounts, delta: Partial<StoredCounts>): void {
  counts.likes += delta.likes ?? 0;
  counts.comments += delta.comments ?? 0;
  counts.views += delta.views ?? 0;
}
