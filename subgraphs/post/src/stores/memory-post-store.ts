import { isId, newId } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { memoryOutboxSource, OutboxTable, withOutbox, type OutboxFields } from '../outbox/memory-outbox';
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

/** A post written elsewhere (a benchmark dataset, demo data) with its id and time. */
export interface SeedPost {
  id: string;
  authorId: string;
  text: string;
  createdAt: Date;
}

/**
 * The embedded default and the unit-test double. Returns copies so callers cannot mutate the store.
 * Each author's posts are also kept in id order, the memory counterpart of the `{ authorId, _id }`
 * index: a profile page or a pull timeline reads the newest of each author instead of every post.
 */
export class MemoryPostStore implements PostStore {
  private readonly posts = new OutboxTable<Row>();
  private readonly deletions = new OutboxTable<DeletionRow>();
  private readonly byAuthor = new Map<string, Row[]>();

  /** Adds posts with the ids and times they already have (ids must be new to the store). */
  seed(posts: readonly SeedPost[]): void {
    for (const p of posts) {
      this.insert({ ...p, deletedAt: null, mentions: [], counts: { ...ZERO_COUNTS }, lastFlushId: null, ...withOutbox() });
    }
  }

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
    this.insert(row);
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
    return this.newestOf([authorId], limit, beforeId).map(copy);
  }

  async recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]> {
    return this.newestOf(authorIds, limit, beforeId).map((p) => p.id);
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

  private insert(row: Row): void {
    this.posts.set(row.id, row);
    const list = this.byAuthor.get(row.authorId) ?? [];
    list.splice(upperBound(list, row.id), 0, row); // new ids come last: usually an append
    this.byAuthor.set(row.authorId, list);
  }

  /** The newest `limit` live posts of `authorIds` below `beforeId`: up to `limit` from each author, merged. */
  private newestOf(authorIds: readonly string[], limit: number, beforeId?: string | null): Row[] {
    const found: Row[] = [];
    for (const authorId of new Set(authorIds)) {
      const list = this.byAuthor.get(authorId) ?? [];
      let taken = 0;
      for (let i = (beforeId == null ? list.length : lowerBound(list, beforeId)) - 1; i >= 0 && taken < limit; i--) {
        if (list[i]!.deletedAt) continue;
        found.push(list[i]!);
        taken++;
      }
    }
    // Equal-length lowercase hex ids compare as strings the way ObjectIds compare as bytes.
    return found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
  }
}

function addCounts(counts: StoredCounts, delta: Partial<StoredCounts>): void {
  counts.likes += delta.likes ?? 0;
  counts.comments += delta.comments ?? 0;
  counts.views += delta.views ?? 0;
}

/** First index whose id is >= `id` (the list is in ascending id order). */
function lowerBound(list: readonly Row[], id: string): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose id is > `id`. */
function upperBound(list: readonly Row[], id: string): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
