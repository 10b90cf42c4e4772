import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  badInput,
  decodeCursor,
  encodeCursor,
  forbidden,
  forwardConnection,
  graphemeLength,
  isId,
  notFound,
  pageSize,
  unauthenticated,
  type Connection,
  type Logger,
} from '@social/kit';
import type { EventBus, EventPayload, Subject } from '@social/events';
import type { PostRecord, PostStore } from './stores/post-store';

export const MAX_POST_LENGTH = 140; // the short-message format the product is built on, counted as a person counts characters
export const MAX_RECENT_AUTHORS = 5_000; // everyone a pull-feed reader may follow (Twitter's follow limit) in one call, keeping one $in query bounded
export const MAX_RECENT_POST_IDS = 101; // one full timeline page (100) plus one extra to tell whether another page follows

/** The keyset cursor of User.posts: the id of the last post seen (ids are time-ordered). */
const postsCursor = z.object({ postId: z.string().regex(/^[0-9a-f]{24}$/) });

/**
 * The post rules, kept apart from GraphQL so they read as one page: who may write or delete, what a
 * valid post is, and which events follow. Validation happens before the single write, so a refused
 * request changes nothing.
 */
export class PostService {
  constructor(
    private readonly store: PostStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async create(viewerId: string | null, rawText: string): Promise<PostRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to post.');
    const text = validateText(rawText);
    const post = await this.store.create({ authorId: viewerId, text });
    await this.publish('post.created', { postId: post.id, authorId: post.authorId, createdAt: post.createdAt.toISOString() });
    return post;
  }

  /** Soft-deletes one of the viewer's own posts and returns its id. */
  async delete(viewerId: string | null, id: string): Promise<string> {
    if (!viewerId) throw unauthenticated('You must be signed in to delete a post.');
    requireId(id, 'id');
    const post = await this.store.findById(id);
    if (!post) throw notFound('There is no post with this id, or it was already deleted.');
    if (post.authorId !== viewerId) throw forbidden('You can only delete your own posts.');
    // Conditional in the store: a concurrent delete of the same post makes this one a NOT_FOUND.
    const deleted = await this.store.softDelete(id);
    if (!deleted) throw notFound('There is no post with this id, or it was already deleted.');
    await this.publish('post.deleted', { postId: deleted.id, authorId: deleted.authorId });
    return deleted.id;
  }

  /** One author's live posts, newest first, keyset-paginated on the post id. */
  async listByAuthor(
    authorId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<PostRecord>> {
    const limit = pageSize(first);
    const beforeId = after == null ? null : decodeCursor(after, postsCursor, 'after').postId;
    // A reference with a malformed id (not one of ours) has no posts rather than crashing the query.
    const rows = isId(authorId) ? await this.store.listByAuthor(authorId, limit + 1, beforeId) : [];
    return forwardConnection(
      rows,
      limit,
      (p) => encodeCursor({ postId: p.id }),
      (p) => p,
    );
  }

  /** For the pull feed: ids of live posts by any of `authorIds`, newest first, older than `before`. */
  async recentIds(authorIds: readonly string[], first: number, before: string | null | undefined): Promise<string[]> {
    if (authorIds.length > MAX_RECENT_AUTHORS) {
      throw badInput(`"authorIds" can hold at most ${MAX_RECENT_AUTHORS} ids.`, 'authorIds');
    }
    if (!authorIds.every(isId)) throw badInput('"authorIds" holds a malformed id.', 'authorIds');
    const limit = pageSize(first, MAX_RECENT_POST_IDS);
    if (before != null) requireId(before, 'before');
    if (authorIds.length === 0) return [];
    return this.store.recentIdsByAuthors(authorIds, limit, before ?? null);
  }

  /**
   * Per-request loader: every post looked up in one tick (a timeline page's `_entities` call,
   * several `post` fields) becomes one findByIds call. Unknown, deleted and malformed ids load null.
   */
  createLoader(): DataLoader<string, PostRecord | null> {
    return new DataLoader<string, PostRecord | null>(async (ids) => {
      const found = await this.store.findByIds(ids);
      const byId = new Map(found.map((p) => [p.id, p]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /**
   * Events follow the write; a failed publish is logged and the request still succeeds, because
   * the post is already saved. TODO(outbox): a later issue adds an outbox that re-publishes events
   * whose publish failed; until then a consumer (the feed's fan-out) can miss such an event.
   */
  private async publish<S extends Subject>(subject: S, data: EventPayload<S>): Promise<void> {
    try {
      await this.bus.publish(subject, data);
    } catch (err) {
      this.logger.error({ err, subject, data }, 'event publish failed; the write stands');
    }
  }
}

/** Trims, then checks 1..MAX_POST_LENGTH characters as a person counts them. */
export function validateText(raw: string): string {
  const text = raw.trim();
  if (text.length === 0) throw badInput('A post cannot be empty.', 'text');
  if (graphemeLength(text) > MAX_POST_LENGTH) {
    throw badInput(`A post can be at most ${MAX_POST_LENGTH} characters long.`, 'text');
  }
  return text;
}

export function requireId(id: string, field: string): void {
  if (!isId(id)) throw badInput(`"${field}" is not a valid id.`, field);
}
