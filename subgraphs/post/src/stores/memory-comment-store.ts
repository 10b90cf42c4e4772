import { isId, newId } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { memoryOutboxSource, OutboxTable, withOutbox, type OutboxFields } from '../outbox/memory-outbox';
import type { CommentRecord, CommentStore, NewComment } from './comment-store';

type Row = CommentRecord & OutboxFields;
type DeletionRow = OutboxFields & { postId: string; deletedAt: Date };

const copy = (r: Row): CommentRecord => ({
  id: r.id,
  postId: r.postId,
  postAuthorId: r.postAuthorId,
  authorId: r.authorId,
  text: r.text,
  mentions: [...r.mentions],
  createdAt: r.createdAt,
});

/** The embedded default and the unit-test double. */
export class MemoryCommentStore implements CommentStore {
  private readonly comments = new OutboxTable<Row>();
  private readonly deletions = new OutboxTable<DeletionRow>();

  async create(c: NewComment): Promise<CommentRecord> {
    const { outbox, ...fields } = c;
    const base = { id: newId(), ...fields, mentions: [...c.mentions], createdAt: new Date() };
    const row: Row = { ...base, ...withOutbox(outbox(copy({ ...base, ...withOutbox() }))) };
    this.comments.set(row.id, row);
    return copy(row);
  }

  async findById(id: string): Promise<CommentRecord | null> {
    const row = isId(id) ? this.comments.get(id) : undefined;
    return row ? copy(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<CommentRecord[]> {
    return [...new Set(ids)].flatMap((id) => (this.comments.has(id) ? [copy(this.comments.get(id)!)] : []));
  }

  async delete(id: string, outbox: OutboxItem[]): Promise<CommentRecord | null> {
    const row = this.comments.get(id);
    if (!row || this.deletions.has(id)) return null;
    this.deletions.set(id, { postId: row.postId, deletedAt: new Date(), ...withOutbox(outbox) });
    this.comments.delete(id);
    return copy(row);
  }

  async listByPost(postId: string, limit: number, afterId?: string | null): Promise<CommentRecord[]> {
    return [...this.comments.values()]
      .filter((c) => c.postId === postId && (afterId == null || c.id > afterId))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map(copy);
  }

  async countByPost(postId: string): Promise<number> {
    return [...this.comments.values()].filter((c) => c.postId === postId).length;
  }

  async postIdsTouchedSince(since: Date, limit: number): Promise<string[]> {
    const ids = new Set<string>();
    for (const c of this.comments.values()) if (c.createdAt >= since) ids.add(c.postId);
    for (const d of this.deletions.values()) if (d.deletedAt >= since) ids.add(d.postId);
    return [...ids].slice(0, limit);
  }

  outboxSources(): OutboxSource[] {
    return [
      memoryOutboxSource('comments', this.comments),
      memoryOutboxSource('comment_deletions', this.deletions, async (id) => void this.comments.delete(id)),
    ];
  }
}
