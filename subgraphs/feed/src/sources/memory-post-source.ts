import type { PostSource, RecentPostsQuery } from './post-source';

interface SeededPost {
  id: string;
  authorId: string;
  deleted: boolean;
}

/**
 * A seedable post list for unit tests, with the post subgraph's semantics: newest first by id (ids are
 * time-ordered ObjectIds), deleted posts left out, `before` exclusive.
 */
export class MemoryPostSource implements PostSource {
  private readonly posts = new Map<string, SeededPost>();
  /** Every query received, so tests can see what a strategy asked for. */
  readonly queries: RecentPostsQuery[] = [];
  /** Every liveness check received (one per stored-timeline page). */
  readonly liveChecks: string[][] = [];

  add(authorId: string, id: string): this {
    this.posts.set(id, { id, authorId, deleted: false });
    return this;
  }

  delete(id: string): this {
    const post = this.posts.get(id);
    if (post) post.deleted = true;
    return this;
  }

  async livePostIds(ids: string[]): Promise<string[]> {
    this.liveChecks.push([...ids]);
    return ids.filter((id) => this.posts.get(id)?.deleted === false);
  }

  async recentPostIds(query: RecentPostsQuery): Promise<string[]> {
    this.queries.push(query);
    const authors = new Set(query.authorIds);
    return [...this.posts.values()]
      .filter((p) => !p.deleted && authors.has(p.authorId) && (query.before === null || p.id < query.before))
      .map((p) => p.id)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
      .slice(0, query.limit);
  }
}
