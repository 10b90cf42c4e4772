import type { Logger } from '@social/kit';
import { liveSubjects, type EventBus, type LivePublisher } from '@social/events';
import type { CountReader } from '../counters/count-reader';
import type { CounterStore } from '../stores/counter-store';
import type { OutboxDoc, OutboxItem, OutboxSource } from './outbox';

export interface DispatcherDeps {
  counters: CounterStore;
  bus: EventBus;
  live: LivePublisher;
  counts: CountReader;
  logger: Logger;
}

/**
 * Runs the effects a write stored in its outbox, and settles the items that succeeded:
 * - count items: the write-behind increment, deduplicated by the item id;
 * - event items: the durable publish, with the item id as Nats-Msg-Id;
 * - beside them (request path only, best effort) live events with the post's fresh counts.
 * An item that failed stays pending; the relay re-runs it, and both effects absorb a repeat.
 */
export class OutboxDispatcher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * After a request's write: counts now (so the response already shows them); then, in the
   * background, the durable publish and settle, and beside it (not after it) the live updates. The
   * write is committed before this runs, so a live event need not wait for JetStream or the settle:
   * waiting added their latency to every delivery, and a settle that failed (the relay finishes it
   * later) used to drop the live event altogether. A slow or absent NATS never delays the request.
   */
  async afterWrite(source: OutboxSource, doc: OutboxDoc): Promise<void> {
    const done = await this.applyCounts(doc.items);
    const durable = this.publishAndSettle(source, doc, done).catch((err: unknown) =>
      this.deps.logger.error({ err, source: source.name, doc: doc.id }, 'outbox delivery failed; the relay will retry'),
    );
    const live = this.publishLive(doc.items).catch((err: unknown) =>
      this.deps.logger.warn({ err, source: source.name, doc: doc.id }, 'live events dropped'),
    );
    const work = Promise.all([durable, live]).then(() => undefined);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** The relay's path: finish an interrupted change, then every effect, awaited. No live events: they would be stale. */
  async redeliver(source: OutboxSource, doc: OutboxDoc): Promise<void> {
    await source.complete?.(doc.id);
    await this.publishAndSettle(source, doc, await this.applyCounts(doc.items));
  }

  /** Waits for background deliveries (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async applyCounts(items: OutboxItem[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (const item of items) {
      if (item.kind !== 'count') continue;
      try {
        await this.deps.counters.increment(item.postId, item.field, item.by, item.id);
        done.add(item.id);
      } catch (err) {
        this.deps.logger.warn({ err, item }, 'counter increment failed; left pending for the relay');
      }
    }
    return done;
  }

  private async publishAndSettle(source: OutboxSource, doc: OutboxDoc, done: Set<string>): Promise<void> {
    for (const item of doc.items) {
      if (item.kind !== 'event') continue;
      try {
        await this.deps.bus.publish(item.subject, item.data, { id: item.id });
        done.add(item.id);
      } catch (err) {
        this.deps.logger.warn({ err, subject: item.subject, id: item.id }, 'event publish failed; left pending for the relay');
      }
    }
    await source.settle(
      doc.id,
      doc.items.filter((i) => !done.has(i.id)),
    );
  }

  private async publishLive(items: OutboxItem[]): Promise<void> {
    const { live, counts } = this.deps;
    const postIds = new Set<string>();
    for (const item of items) {
      if (item.kind !== 'event') continue;
      if (item.subject === 'post.liked' || item.subject === 'post.unliked' || item.subject.startsWith('comment.')) {
        postIds.add((item.data as { postId: string }).postId);
      }
    }
    if (postIds.size === 0) return;
    const all = await counts.forIds([...postIds]);
    for (const item of items) {
      if (item.kind !== 'event') continue;
      if (item.subject === 'post.liked') {
        const d = item.data as { postId: string; userId: string };
        await live.publishLive(liveSubjects.postLiked(d.postId), {
          postId: d.postId,
          userId: d.userId,
          likeCount: all.get(d.postId)?.likes ?? 0,
        });
      } else if (item.subject === 'comment.added') {
        const d = item.data as { postId: string; commentId: string; authorId: string };
        const commentCount = all.get(d.postId)?.comments ?? 0;
        await live.publishLive(liveSubjects.postCommented(d.postId), {
          postId: d.postId,
          commentId: d.commentId,
          authorId: d.authorId,
          commentCount,
        });
      }
    }
    for (const [postId, c] of all) {
      await live.publishLive(liveSubjects.postUpdated(postId), {
        postId,
        likeCount: c.likes,
        commentCount: c.comments,
        viewCount: c.views,
      });
    }
  }
}
