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
} from '@social/kit';
import { resolveMentions } from './mentions/mentions';
import type { UserDirectory } from './mentions/user-directory';
import type { OutboxDispatcher } from './outbox/dispatcher';
import { eventItem, type OutboxItem } from './outbox/outbox';
import type { PostRecord, PostStore } from './stores/post-store';

export const MAX_POST_LENGTH = 140; // the short-message format the product is built on, counted as a person counts characters
export const MAX_RECENT_AUTHORS = 5_000; // everyone a pull-feed reader may follow (Twitter's follow limit) in one call, keeping one $in query bounded
export const MAX_LIVE_POST_IDS = 100; // one timeline page plus a few spares, each a parallel _id lookup
export const MAX_RECENT_POST_IDS = 101; // one full timeline page (100) plus one extra to tell whether another page follows

/** The keyset cursor of User.posts: the id of the last post seen (ids are time-ordered). */
const postsCursor = z.object({ postId: z.string().regex(/^[0-9a-f]{24}$/) });

/**
 * The post rules, kept apart from GraphQL so they read as one page: who may write or delete, what a
 * valid post is, and which events follow. Validation happens before the single write, so a refused
 * request changes nothing; the events are stored in that same write (the outbox) and delivered
 * after it, so a crash in between loses none.
 */
export class PostService {
  constructor(
    private readonly store: PostStore,
    private readonly dispatcher: OutboxDispatcher,
    private readonly directory: UserDirectory,
  ) {}

  async create(viewerId: string | null, rawText: string): Promise<PostRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to post.');
    const text = validateText(rawText);
    const mentions = await resolveMentions(this.directory, text, viewerId);
    let items: OutboxItem[] = [];
    const post = await this.store.create({
      authorId: viewerId,
      text,
      mentions,
      outbox: (p) =>
        (items = [
          eventItem('post.created', { postId: p.id, authorId: p.authorId, createdAt: p.createdAt.toISOString() }),
          ...mentions.map((m) => eventItem('user.mentioned', { mentionedUserId: m, byUserId: p.authorId, postId: p.id, commentId: null })),
        ]),
    });
    await this.deliver('posts', post.id, items);
    return post;
  }

  /** Soft-deletes one of the viewer's own posts and returns its id. */
  async delete(viewerId: string | null, id: string): Promise<string> {
    if (!viewerId) throw unauthenticated('You must be signed in to delete a post.');
    requireId(id, 'id');
    const post = await this.store.findById(id);
    if (!post) throw notFound('There is no post with this id, or it was already deleted.');
    if (post.authorId !== viewerId) throw forbidden('You can only delete your own posts.');
    // Claimed in the store: a concurrent delete of the same post makes this one a NOT_FOUND.
    const items = [eventItem('post.deleted', { postId: post.id, authorId: post.authorId })];
    const deleted = await this.store.softDelete(id, items);
    if (!deleted) throw notFound('There is no post with this id, or it was already deleted.');
    await this.deliver('post_deletions', deleted.id, items);
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

  /** For the feed: which of `ids` (up to 100) are live posts, in the order given. */
  async liveIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length > MAX_LIVE_POST_IDS) throw badInput(`"ids" can hold at most ${MAX_LIVE_POST_IDS} ids.`, 'ids');
    return this.store.liveIds(ids);
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

  private async deliver(sourceName: string, docId: string, items: OutboxItem[]): Promise<void> {
    const source = this.store.outboxSources().find((s) => s.name === sourceName)!;
    await this.dispatcher.afterWrite(source, { id: docId, items });
  }
}

/** Trims, then checks 1..MAX_POST_LENGTH characters as a person counts them (posts and comments alike). */
export function validateText(raw: string, what = 'A post'): string {
  const text = raw.trim();
  if (text.length === 0) throw badInput(`${what} cannot be empty.`, 'text');
  if (graphemeLength(text) > MAX_POST_LENGTH) {
    throw badInput(`${what} can be at most ${MAX_POST_LENGTH} characters long.`, 'text');
  }
  return text;
}

export function requireId(id: string, field: string): void {
  if (!isId(id)) throw badInput(`"${field}" is not a valid id.`, field);
}
