import { isId, newId } from '@social/kit';
import type { NewPost, PostRecord, PostStore } from './post-store';

/** The embedded default and the unit-test double. Returns copies so callers cannot mutate the store. */
export class MemoryPostStore implements PostStore {
  private readonly posts = new Map<string, PostRecord>();

  async create(post: NewPost): Promise<PostRecord> {
    const record: PostRecord = { id: newId(), authorId: post.authorId, text: post.text, createdAt: new Date(), deletedAt: null };
    this.posts.set(record.id, record);
    return { ...record };
  }

  async findByIds(ids: readonly string[]): Promise<PostRecord[]> {
    const found: PostRecord[] = [];
    for (const id of new Set(ids)) {
      const post = this.live(id);
      if (post) found.push({ ...post });
    }
    return found;
  }

  async findById(id: string): Promise<PostRecord | null> {
    const post = this.live(id);
    return post ? { ...post } : null;
  }

  async listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]> {
    return this.newestFirst((p) => p.authorId === authorId, limit, beforeId).map((p) => ({ ...p }));
  }

  async recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]> {
    const authors = new Set(authorIds);
    return this.newestFirst((p) => authors.has(p.authorId), limit, beforeId).map((p) => p.id);
  }

  async softDelete(id: string): Promise<PostRecord | null> {
    const post = this.live(id);
    if (!post) return null;
    post.deletedAt = new Date();
    return { ...post };
  }

  private live(id: string): PostRecord | undefined {
    const post = isId(id) ? this.posts.get(id) : undefined;
    return post && !post.deletedAt ? post : undefined;
  }

  // Equal-length lowercase hex ids compare as strings the way ObjectIds compare as bytes.
  private newestFirst(match: (p: PostRecord) => boolean, limit: number, beforeId?: string | null): PostRecord[] {
    return [...this.posts.values()]
      .filter((p) => !p.deletedAt && match(p) && (beforeId == null || p.id < beforeId))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit);
  }
}
