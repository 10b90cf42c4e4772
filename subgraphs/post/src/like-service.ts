import DataLoader from 'dataloader';
import { z } from 'zod';
import { decodeCursor, encodeCursor, forwardConnection, notFound, pageSize, unauthenticated, type Connection } from '@social/kit';
import type { OutboxDispatcher } from './outbox/dispatcher';
import { countItem, eventItem } from './outbox/outbox';
import { requireId } from './post-service';
import type { LikeRecord, LikeStore } from './stores/like-store';
import type { PostRecord, PostStore } from './stores/post-store';

/** The keyset cursor of Post.likedBy: the id of the last like seen (ids are time-ordered). */
const likersCursor = z.object({ likeId: z.string().regex(/^[0-9a-f]{24}$/) });

const NO_POST = 'There is no post with this id, or it was deleted.';

/**
 * Likes: one per person and post (liking twice is one like, unliking what you never liked is a
 * no-op), each with its count change and its event stored in the same write as the like itself.
 */
export class LikeService {
  constructor(
    private readonly posts: PostStore,
    private readonly likes: LikeStore,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async like(viewerId: string | null, postId: string): Promise<PostRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to like a post.');
    const post = await this.livePost(postId);
    const items = [countItem(post.id, 'likes', 1), eventItem('post.liked', { postId: post.id, authorId: post.authorId, userId: viewerId })];
    const { created, like } = await this.likes.like(post.id, viewerId, items);
    if (created) await this.dispatcher.afterWrite(this.source('likes'), { id: like.id, items });
    return post;
  }

  async unlike(viewerId: string | null, postId: string): Promise<PostRecord> {
    if (!viewerId) throw unauthenticated('You must be signed in to unlike a post.');
    const post = await this.livePost(postId);
    const items = [
      countItem(post.id, 'likes', -1),
      eventItem('post.unliked', { postId: post.id, authorId: post.authorId, userId: viewerId }),
    ];
    const removed = await this.likes.unlike(post.id, viewerId, items);
    if (removed) await this.dispatcher.afterWrite(this.source('like_removals'), { id: removed.id, items });
    return post;
  }

  /** The people who like a post, newest like first. */
  async likers(postId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<LikeRecord>> {
    const limit = pageSize(first);
    const beforeId = after == null ? null : decodeCursor(after, likersCursor, 'after').likeId;
    const rows = await this.likes.listByPost(postId, limit + 1, beforeId);
    return forwardConnection(
      rows,
      limit,
      (l) => encodeCursor({ likeId: l.id }),
      (l) => l,
    );
  }

  /** Per request: whether the viewer likes each post resolved in one tick, in one query. */
  createViewerLikesLoader(viewerId: string | null): DataLoader<string, boolean> {
    return new DataLoader<string, boolean>(async (postIds) => {
      if (!viewerId) return postIds.map(() => false);
      const liked = await this.likes.likedAmong(viewerId, postIds);
      return postIds.map((id) => liked.has(id));
    });
  }

  private async livePost(postId: string): Promise<PostRecord> {
    requireId(postId, 'postId');
    const post = await this.posts.findById(postId);
    if (!post) throw notFound(NO_POST);
    return post;
  }

  private source(name: string) {
    return this.likes.outboxSources().find((s) => s.name === name)!;
  }
}
