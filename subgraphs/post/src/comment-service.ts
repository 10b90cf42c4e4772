import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  decodeCursor,
  encodeCursor,
  forbidden,
  forwardConnection,
  notFound,
  pageSize,
  unauthenticated,
  type Connection,
} from '@social/kit';
import { resolveMentions } from './mentions/mentions';
import type { UserDirectory } from './mentions/user-directory';
import type { OutboxDispatcher } from './outbox/dispatcher';
import { countItem, eventItem, type OutboxItem } from './outbox/outbox';
import { requireId, validateText } from './post-service';
import type { CommentRecord, CommentStore } from './stores/comment-store';
import type { PostStore } from './stores/post-store';

/** The keyset cursor of Post.comments: the id of the last comment seen (oldest first). */
const commentsCursor = z.object({ commentId: z.string().regex(/^[0-9a-f]{24}$/) });

/**
 * Comments: short texts on live posts, with @mentions; deletable by their author and by the post's
 * author. Each write stores its count change and events with it (the outbox).
 */
export class CommentService {
  constructor(
    private readonly posts: PostStore,
    private readonly comments: CommentStore,
    private readonly dispatcher: OutboxDispatcher,
    private readonly directory: UserDirectory,
  ) {}

  async add(viewerId: string | null, postId: string, rawText: string): Promise<CommentRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to comment.');
    requireId(postId, 'postId');
    const text = validateText(rawText, 'A comment');
    const post = await this.posts.findById(postId);
    if (!post) throw notFound('There is no post with this id, or it was deleted.');
    const mentions = await resolveMentions(this.directory, text, viewerId);
    let items: OutboxItem[] = [];
    const comment = await this.comments.create({
      postId: post.id,
      postAuthorId: post.authorId,
      authorId: viewerId,
      text,
      mentions,
      outbox: (c) =>
        (items = [
          countItem(post.id, 'comments', 1),
          eventItem('comment.added', {
            commentId: c.id,
            postId: post.id,
            postAuthorId: post.authorId,
            authorId: viewerId,
            createdAt: c.createdAt.toISOString(),
          }),
          ...mentions.map((m) => eventItem('user.mentioned', { mentionedUserId: m, byUserId: viewerId, postId: post.id, commentId: c.id })),
        ]),
    });
    await this.dispatcher.afterWrite(this.source('comments'), { id: comment.id, items });
    return comment;
  }

  /** Deletes a comment; returns it (the caller reports its id and post). */
  async delete(viewerId: string | null, commentId: string): Promise<CommentRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to delete a comment.');
    requireId(commentId, 'commentId');
    const comment = await this.comments.findById(commentId);
    if (!comment) throw notFound('There is no comment with this id, or it was already deleted.');
    if (viewerId !== comment.authorId && viewerId !== comment.postAuthorId) {
      throw forbidden("Only the comment's author or the author of the post can delete a comment.");
    }
    const items = [
      countItem(comment.postId, 'comments', -1),
      eventItem('comment.deleted', {
        commentId: comment.id,
        postId: comment.postId,
        postAuthorId: comment.postAuthorId,
        authorId: comment.authorId,
      }),
    ];
    const deleted = await this.comments.delete(comment.id, items);
    if (!deleted) throw notFound('There is no comment with this id, or it was already deleted.');
    await this.dispatcher.afterWrite(this.source('comment_deletions'), { id: deleted.id, items });
    return deleted;
  }

  /** A post's comments, oldest first. */
  async list(postId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<CommentRecord>> {
    const limit = pageSize(first);
    const afterId = after == null ? null : decodeCursor(after, commentsCursor, 'after').commentId;
    const rows = await this.comments.listByPost(postId, limit + 1, afterId);
    return forwardConnection(
      rows,
      limit,
      (c) => encodeCursor({ commentId: c.id }),
      (c) => c,
    );
  }

  /** Per request: every Comment reference resolved in one tick is one query. */
  createLoader(): DataLoader<string, CommentRecord | null> {
    return new DataLoader<string, CommentRecord | null>(async (ids) => {
      const found = new Map((await this.comments.findByIds(ids)).map((c) => [c.id, c]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private source(name: string) {
    return this.comments.outboxSources().find((s) => s.name === name)!;
  }
}
