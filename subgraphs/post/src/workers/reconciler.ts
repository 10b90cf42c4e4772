import type { Logger } from '@social/kit';
import type { CountItem, OutboxSource } from '../outbox/outbox';
import type { CounterStore } from '../stores/counter-store';
import type { CommentStore } from '../stores/comment-store';
import type { LikeStore } from '../stores/like-store';
import type { PostStore } from '../stores/post-store';

export const RECOUNT_BATCH = 50; // posts recounted per hold of the flush lock, so flushing is never held up for long
export const MAX_RECONCILE_POSTS = 20_000; // one pass's bound; the next pass continues where activity continues
const MAX_PENDING_DOCS = 10_000; // outbox documents still pending are normally a handful (the last seconds, or an outage's backlog)
const LOCK_POLL_MS = 50;

export interface ReconcilerDeps {
  posts: PostStore;
  likes: LikeStore;
  comments: CommentStore;
  counters: CounterStore;
  /** Outboxes whose count items are pending: increments decided in the database, not applied yet. */
  outboxSources: OutboxSource[];
  lockTtlMs: number;
  logger: Logger;
}

export interface Correction {
  postId: string;
  likes: number;
  comments: number;
}

/**
 * Restores exact like and comment counts from the authoritative collections (a like is a document,
 * a comment is a document), for when the write-behind store lost deltas: a Redis restart without
 * an append-only file, or a process that died between its write and its increment beyond the
 * dedupe window. Views have no such record (they are impressions, approximate by nature) and are
 * left alone.
 *
 * For each post it computes true - (stored + pending) and adds the difference to the stored count,
 * holding the flush lock so no flight is applied half-way through. "Pending" is what the write-behind
 * store holds for the post, plus the count items still waiting in outboxes whose increment has not
 * happened yet (their dedupe id unseen): the relay will apply those later, so they must not be
 * counted now as well. It is exact for a post nobody
 * likes or comments on during the few milliseconds its recount takes (the count and the pending
 * read are two systems, read one after the other); a later pass corrects any such slip.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  /** Recounts one post; returns the correction applied (zeros when it was exact already). */
  async recountPost(postId: string): Promise<Correction | null> {
    const [c] = await this.recountPosts([postId]);
    return c ?? null;
  }

  async recountPosts(postIds: readonly string[]): Promise<Correction[]> {
    const out: Correction[] = [];
    for (let i = 0; i < postIds.length; i += RECOUNT_BATCH) {
      const token = await this.waitForLock();
      try {
        const waiting = await this.pendingCountItems();
        for (const id of postIds.slice(i, i + RECOUNT_BATCH)) {
          const c = await this.recountLocked(id, waiting.get(id) ?? []);
          if (c) out.push(c);
        }
      } finally {
        await this.deps.counters.releaseFlushLock(token).catch(() => undefined);
      }
    }
    const fixed = out.filter((c) => c.likes || c.comments);
    if (fixed.length) this.deps.logger.warn({ fixed: fixed.length, sample: fixed.slice(0, 5) }, 'reconciler corrected counts');
    return out;
  }

  /** Recounts every post liked, unliked, commented or uncommented since `since`. */
  async reconcileSince(since: Date): Promise<Correction[]> {
    const [liked, commented] = await Promise.all([
      this.deps.likes.postIdsTouchedSince(since, MAX_RECONCILE_POSTS),
      this.deps.comments.postIdsTouchedSince(since, MAX_RECONCILE_POSTS),
    ]);
    const ids = [...new Set([...liked, ...commented])].slice(0, MAX_RECONCILE_POSTS);
    return this.recountPosts(ids);
  }

  private async recountLocked(postId: string, waiting: CountItem[]): Promise<Correction | null> {
    const { posts, likes, comments, counters } = this.deps;
    const [row] = await posts.findCounts([postId]);
    if (!row) return null;
    const [likeCount, commentCount, pending] = await Promise.all([
      likes.countByPost(postId),
      comments.countByPost(postId),
      counters.pending(
        [postId],
        waiting.map((i) => i.id),
      ),
    ]);
    let pendingLikes = pending.live.get(postId)?.likes ?? 0;
    let pendingComments = pending.live.get(postId)?.comments ?? 0;
    for (const f of pending.flights) {
      if (f.id === row.lastFlushId) continue; // already in the stored count
      pendingLikes += f.deltas.get(postId)?.likes ?? 0;
      pendingComments += f.deltas.get(postId)?.comments ?? 0;
    }
    for (const item of waiting) {
      if (pending.applied.has(item.id)) continue; // already in the pending deltas
      if (item.field === 'likes') pendingLikes += item.by;
      else pendingComments += item.by;
    }
    const correction = {
      postId,
      likes: likeCount - (row.counts.likes + pendingLikes),
      comments: commentCount - (row.counts.comments + pendingComments),
    };
    if (correction.likes || correction.comments)
      await posts.adjustCounts(postId, { likes: correction.likes, comments: correction.comments });
    return correction;
  }

  /** Count items still waiting in outboxes, by post. */
  private async pendingCountItems(): Promise<Map<string, CountItem[]>> {
    const byPost = new Map<string, CountItem[]>();
    const everything = new Date(Date.now() + 24 * 3600_000);
    for (const source of this.deps.outboxSources) {
      for (const doc of await source.pending(everything, MAX_PENDING_DOCS)) {
        for (const item of doc.items) if (item.kind === 'count') byPost.set(item.postId, [...(byPost.get(item.postId) ?? []), item]);
      }
    }
    return byPost;
  }

  private async waitForLock(): Promise<string> {
    const deadline = Date.now() + this.deps.lockTtlMs * 2;
    for (;;) {
      const token = await this.deps.counters.acquireFlushLock(this.deps.lockTtlMs);
      if (token) return token;
      if (Date.now() > deadline) throw new Error('reconciler could not get the flush lock');
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
}
