import { liveSubjects, type Consumer, type EventBus, type EventEnvelope, type LivePublisher, type Subject } from '@social/events';
import type { Logger } from '@social/kit';
import type { FollowerSource } from '../sources/follower-source';
import { scoreOf, type GraphChange, type TimelineStore } from '../stores/timeline-store';
import type { FanoutBatch, FanoutQueue } from './fanout-queue';

export const DISPATCHER_DURABLE = 'feed-fanout-dispatcher';
const DISPATCHED: Subject[] = ['post.created', 'post.deleted', 'user.followed', 'user.unfollowed', 'user.blocked', 'user.vip-changed'];

export interface DispatcherOptions {
  bus: EventBus;
  queue: FanoutQueue;
  store: TimelineStore;
  followers: FollowerSource;
  live: LivePublisher;
  logger: Logger;
  batchSize: number;
  /** `hybrid`: VIP authors are not fanned out (pulled at read time); `push`: everyone is (push-only baseline). */
  mode: 'hybrid' | 'push';
}

/**
 * The head of the write path: a durable consumer of the post and graph events. A post is cut into
 * batches of its follower list (FANOUT_BATCH_SIZE) published to the sharded work queue, where any
 * number of fan-out workers apply them; a VIP's post is not fanned out at all, only kept in the
 * author's recent set for readers to pull. Graph changes touch one or two timelines and are applied
 * here directly. Batch ids are derived from the event, so a redelivered event publishes nothing new.
 */
export class Dispatcher {
  private consumer?: Consumer;

  constructor(private readonly opts: DispatcherOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.opts.bus.consume({ durable: DISPATCHER_DURABLE, subjects: DISPATCHED, handler: (e) => this.handle(e) });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  readonly handle = async (event: EventEnvelope): Promise<void> => {
    const { store } = this.opts;
    switch (event.subject) {
      case 'post.created': {
        const { postId, authorId, createdAt } = event.data as EventEnvelope<'post.created'>['data'];
        const entry = { postId, authorId, score: scoreOf(postId, createdAt) };
        await store.addRecent(entry);
        await store.pushPost(entry, [authorId], 0); // your own posts are on your home timeline
        if (this.opts.mode === 'hybrid' && (await store.isVip(authorId))) {
          await this.opts.live.publishLive(liveSubjects.authorPosted(authorId), { authorId, postId });
          return;
        }
        return this.fanOut(authorId, `push.${postId}`, (userIds) => ({ kind: 'push', ...entry, userIds }));
      }
      case 'post.deleted': {
        const { postId, authorId } = event.data as EventEnvelope<'post.deleted'>['data'];
        await store.deletePost({ postId, authorId }); // the tombstone first: no push can land after this
        await store.removePost({ postId, authorId }, [authorId]);
        // Every follower, VIP or not, active or not: a post may have been pushed before a mode change.
        return this.fanOut(authorId, `remove.${postId}`, (userIds) => ({ kind: 'remove', postId, authorId, userIds }));
      }
      case 'user.followed': {
        const { followerId, followeeId } = event.data as EventEnvelope<'user.followed'>['data'];
        await store.invalidateVipIds(followerId);
        const merge = this.opts.mode === 'push' || !(await store.isVip(followeeId));
        await store.follow(followerId, followeeId, merge, changeOf(event));
        return this.followingChanged(followerId);
      }
      case 'user.unfollowed': {
        const { followerId, followeeId } = event.data as EventEnvelope<'user.unfollowed'>['data'];
        await store.invalidateVipIds(followerId);
        await store.removeAuthor(followerId, followeeId, changeOf(event));
        return this.followingChanged(followerId);
      }
      case 'user.blocked': {
        // A block ends follows both ways: neither sees the other's posts any more.
        const { blockerId, blockedId } = event.data as EventEnvelope<'user.blocked'>['data'];
        await Promise.all([store.invalidateVipIds(blockerId), store.invalidateVipIds(blockedId)]);
        const at = changeOf(event);
        await Promise.all([store.removeAuthor(blockerId, blockedId, at), store.removeAuthor(blockedId, blockerId, at)]);
        await Promise.all([this.followingChanged(blockerId), this.followingChanged(blockedId)]);
        return;
      }
      case 'user.vip-changed': {
        const { userId, isVip } = event.data as EventEnvelope<'user.vip-changed'>['data'];
        await store.setVip(userId, isVip);
        await store.invalidateAllVipIds();
        // Back to regular: readers stop pulling this author, so push the recent posts they would lose.
        // (Becoming a VIP loses nothing: pushed copies stay and reads dedupe them against the recent set.)
        if (!isVip && this.opts.mode === 'hybrid') {
          return this.fanOut(userId, `merge.${event.id}`, (userIds) => ({ kind: 'merge', authorIds: [userId], userIds }));
        }
        return;
      }
      default:
        return;
    }
  };

  /**
   * Tells a gateway serving this reader's homeTimelineUpdated that the VIPs they follow may have changed
   * (it listens to those VIPs' authorPosted subjects). Sent after the change is applied; best effort.
   */
  private async followingChanged(userId: string): Promise<void> {
    if (this.opts.mode === 'hybrid') await this.opts.live.publishLive(liveSubjects.followingChanged(userId), { userId });
  }

  /** Pages through the author's followers and publishes one batch per page, named `<id>.<page>`. */
  private async fanOut(authorId: string, id: string, batch: (userIds: string[]) => FanoutBatch): Promise<void> {
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const { ids, endCursor, hasNextPage } = await this.opts.followers.followerPage(authorId, this.opts.batchSize, after);
      if (ids.length) await this.opts.queue.publish(batch(ids), `${id}.${page}`);
      if (!hasNextPage || !endCursor) return;
      after = endCursor;
    }
  }
}

/**
 * A graph change as the timeline store orders it: the envelope's occurredAt, which the social graph's
 * outbox sets to the write's time, then the event id. A pair's follow or unfollow older than the last
 * one applied is stale.
 */
function changeOf(event: EventEnvelope): GraphChange {
  const at = Date.parse(event.occurredAt);
  if (Number.isNaN(at)) throw new Error(`event ${event.id} has no valid occurredAt: ${event.occurredAt}`);
  return { at, id: event.id };
}
