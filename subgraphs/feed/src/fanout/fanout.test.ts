import { liveSubjects } from '@social/events';
import { createMetricsRegistry, newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import { FeedHarness, memoryParts } from '../testing/feed-harness';
import type { FanoutBatch } from './fanout-queue';
import { FanoutMetrics } from './fanout-metrics';
import { FanoutWorker } from './fanout-worker';
import { MemoryFanoutQueue } from './memory-fanout-queue';
import { MemoryTimelineStore } from '../stores/memory-timeline-store';
import { MemoryLiveBus } from '@social/events';

/** Records every batch published, so a test can see how the dispatcher cut the work. */
function recording(parts: ReturnType<typeof memoryParts>) {
  const batches: { batch: FanoutBatch; id: string }[] = [];
  const publish = parts.queue.publish.bind(parts.queue);
  parts.queue.publish = async (batch, id) => (batches.push({ batch, id }), publish(batch, id));
  return batches;
}

const idsOf = async (h: FeedHarness, reader: string) => (await h.readAll(reader)).ids;

describe('fan-out (memory bus, queue and store)', () => {
  let h: FeedHarness;
  afterEach(async () => h?.close());

  it('cuts a post into batches of the follower list, reaches active followers only, and tells each one live', async () => {
    const parts = memoryParts();
    const batches = recording(parts);
    h = await FeedHarness.start(parts, { batchSize: 3 });
    const author = newId();
    const followers = Array.from({ length: 7 }, () => newId());
    for (const f of followers) await h.follow(f, author);
    for (const f of followers.slice(0, 6)) await h.read(f); // visited: active
    await h.goInactive(followers[6]!);
    const heard: unknown[] = [];
    h.live.subscribeLive('live.timeline.*.updated', (payload) => heard.push(payload));

    const postId = await h.post(author);
    await eventually(async () => (heard.length === 6 ? true : undefined));
    expect(batches.map((b) => [b.id, (b.batch as { userIds: string[] }).userIds.length])).toEqual([
      [`push.${postId}.0`, 3],
      [`push.${postId}.1`, 3],
      [`push.${postId}.2`, 1],
    ]);
    for (const f of followers.slice(0, 6))
      expect(await h.store().read({ sources: [{ timelineOf: f }], direction: 'older', bound: null, limit: 5 })).toEqual([
        [expect.objectContaining({ postId, authorId: author })],
      ]);
    expect(heard).toEqual(expect.arrayContaining(followers.slice(0, 6).map((userId) => ({ userId, postId }))));
    // The inactive follower got no push; on return their timeline is rebuilt (REBUILDING until done).
    expect(await h.store().read({ sources: [{ timelineOf: followers[6]! }], direction: 'older', bound: null, limit: 5 })).toEqual([[]]);
    expect((await h.read(followers[6]!)).status).toBe('REBUILDING');
    await eventually(async () => ((await h.read(followers[6]!)).status === 'READY' ? true : undefined));
    expect(await idsOf(h, followers[6]!)).toEqual([postId]);
  });

  it('does not fan out a VIP post: it stays in the recent set, followers pull it, and it is announced live once', async () => {
    const parts = memoryParts();
    const batches = recording(parts);
    h = await FeedHarness.start(parts);
    const [vip, fan] = [newId(), newId()];
    await h.setVip(vip, true);
    await h.follow(fan, vip);
    const heard: unknown[] = [];
    h.live.subscribeLive(liveSubjects.authorPosted(vip), (payload) => heard.push(payload));
    await eventually(async () => ((await h.store().isVip(vip)) ? true : undefined));
    const postId = await h.post(vip);
    await eventually(async () => (heard.length === 1 ? true : undefined));
    expect(heard).toEqual([{ authorId: vip, postId }]);
    expect(batches).toEqual([]);
    expect(await h.store().read({ sources: [{ timelineOf: fan }], direction: 'older', bound: null, limit: 5 })).toEqual([[]]);
    await eventually(async () => ((await idsOf(h, fan)).includes(postId) ? true : undefined));
  });

  it('tells a reader live when their followings changed: follow, unfollow, and a block for both sides', async () => {
    h = await FeedHarness.start(memoryParts());
    const [fan, vip, other] = [newId(), newId(), newId()];
    await h.setVip(vip, true);
    const heard: { userId: string }[] = [];
    h.live.subscribeLive('live.timeline.*.following', (payload) => void heard.push(payload as { userId: string }));
    await h.follow(fan, vip);
    await eventually(async () => (heard.length === 1 ? true : undefined));
    await h.unfollow(fan, vip);
    await eventually(async () => (heard.length === 2 ? true : undefined));
    await h.block(other, fan);
    await eventually(async () => (heard.length === 4 ? true : undefined));
    expect(heard.map((e) => e.userId)).toEqual([fan, fan, expect.any(String), expect.any(String)]);
    expect(new Set(heard.slice(2).map((e) => e.userId))).toEqual(new Set([other, fan]));
  });

  it('switches modes without losing or repeating posts: regular -> VIP -> regular', async () => {
    h = await FeedHarness.start(memoryParts());
    const [author, fan] = [newId(), newId()];
    await h.follow(fan, author);
    await h.read(fan);
    const asRegular = await h.post(author);
    await eventually(async () => ((await idsOf(h, fan)).includes(asRegular) ? true : undefined));
    await h.setVip(author, true);
    await eventually(async () => ((await h.store().isVip(author)) ? true : undefined));
    const asVip = await h.post(author);
    await eventually(async () => ((await idsOf(h, fan)).length === 2 ? true : undefined));
    expect(await idsOf(h, fan)).toEqual([asVip, asRegular]); // pushed copy + recent set: once
    await h.setVip(author, false);
    await eventually(async () =>
      (await h.store().read({ sources: [{ timelineOf: fan }], direction: 'older', bound: null, limit: 5 }))[0]!.length === 2
        ? true
        : undefined,
    );
    expect(await idsOf(h, fan)).toEqual([asVip, asRegular]);
  });

  it('push-only mode pushes VIP posts too', async () => {
    const parts = memoryParts();
    const batches = recording(parts);
    h = await FeedHarness.start(parts, { mode: 'push' });
    const [vip, fan] = [newId(), newId()];
    await h.setVip(vip, true);
    await h.follow(fan, vip);
    await h.post(vip);
    await eventually(async () => (batches.length === 1 ? true : undefined));
  });

  it('applies a replayed event or batch exactly once', async () => {
    const parts = memoryParts();
    h = await FeedHarness.start(parts);
    const [author, fan] = [newId(), newId()];
    await h.follow(fan, author);
    const postId = newId();
    const event = { postId, authorId: author, createdAt: new Date().toISOString() };
    await parts.bus.publish('post.created', event);
    await parts.bus.publish('post.created', event); // a second event for the same post (an outbox retry without its id)
    await eventually(async () => ((await idsOf(h, fan)).includes(postId) ? true : undefined));
    const worker = new FanoutWorker({ store: parts.store, live: h.live, inactiveAfterMs: 1 });
    await worker.apply({ kind: 'push', postId, authorId: author, score: Date.parse(event.createdAt), userIds: [fan] });
    expect(await idsOf(h, fan)).toEqual([postId]);
  });

  it('removes a deleted post from every timeline it reached, and a late push cannot bring it back', async () => {
    const parts = memoryParts();
    h = await FeedHarness.start(parts, { batchSize: 2 });
    const author = newId();
    const fans = [newId(), newId(), newId()];
    for (const f of fans) await h.follow(f, author);
    const postId = await h.post(author);
    for (const f of fans) await eventually(async () => ((await idsOf(h, f)).includes(postId) ? true : undefined));
    await h.deletePost(postId, author);
    for (const f of [...fans, author]) await eventually(async () => ((await idsOf(h, f)).length === 0 ? true : undefined));
    const worker = new FanoutWorker({ store: parts.store, live: h.live, inactiveAfterMs: 1e12 });
    await worker.apply({ kind: 'push', postId, authorId: author, score: 1, userIds: fans });
    for (const f of fans) expect(await idsOf(h, f)).toEqual([]);
  });

  it("orders a pair's follow and unfollow by when they happened, not by when they arrive", async () => {
    const parts = memoryParts();
    h = await FeedHarness.start(parts);
    const [author, stays, left] = [newId(), newId(), newId()];
    const first = await h.post(author);
    const t0 = Date.now();
    // `stays` unfollowed at t0 + 1 s and followed again at t0 + 2 s; the unfollow arrives last (redelivered).
    h.graph.follow(stays, author);
    await parts.bus.publish('user.followed', { followerId: stays, followeeId: author }, { occurredAt: new Date(t0 + 2000) });
    await parts.bus.publish('user.unfollowed', { followerId: stays, followeeId: author }, { occurredAt: new Date(t0 + 1000) });
    // `left` followed at t0 + 1 s and unfollowed at t0 + 2 s; the follow arrives last.
    await parts.bus.publish('user.unfollowed', { followerId: left, followeeId: author }, { occurredAt: new Date(t0 + 2000) });
    await parts.bus.publish('user.followed', { followerId: left, followeeId: author }, { occurredAt: new Date(t0 + 1000) });
    const second = await h.post(author); // events reach the dispatcher in order: this lands after all four
    await eventually(async () => ((await idsOf(h, stays)).includes(second) ? true : undefined));
    expect(await idsOf(h, stays)).toEqual([second, first]);
    expect(await idsOf(h, left)).toEqual([]); // the stale follow merged nothing back
  });
});

describe('MemoryFanoutQueue', () => {
  it('retries a failing batch and dead-letters it after the last try', async () => {
    const queue = new MemoryFanoutQueue();
    let tries = 0;
    await queue.consume(async () => {
      tries++;
      throw new Error('redis down');
    });
    await queue.publish({ kind: 'merge', authorIds: [], userIds: [] }, 'b1');
    await queue.publish({ kind: 'merge', authorIds: [], userIds: [] }, 'b1'); // deduplicated
    await queue.idle();
    expect(tries).toBe(5);
    expect(queue.deadLetters).toEqual([{ batch: { kind: 'merge', authorIds: [], userIds: [] }, error: 'Error: redis down' }]);
    await queue.close();
  });

  it('a worker reaching nobody publishes nothing live', async () => {
    const live = new MemoryLiveBus();
    const heard: unknown[] = [];
    live.subscribeLive('live.>', (p) => heard.push(p));
    const worker = new FanoutWorker({ store: new MemoryTimelineStore(), live, inactiveAfterMs: 1 });
    await worker.apply({ kind: 'push', postId: newId(), authorId: newId(), score: 1, userIds: [] });
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual([]);
  });

  it('counts batches, their outcome and the timelines a push reached, for /metrics', async () => {
    const registry = createMetricsRegistry('feed');
    const value = async (name: string, labels: Record<string, string> = {}, series = name) =>
      (await registry.getSingleMetric(name)!.get()).values.find(
        (v) =>
          ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      )?.value;
    const store = new MemoryTimelineStore();
    const worker = new FanoutWorker({ store, live: new MemoryLiveBus(), inactiveAfterMs: 1e12, metrics: new FanoutMetrics(registry) });
    await worker.apply({ kind: 'push', postId: newId(), authorId: newId(), score: 1, userIds: [newId(), newId(), newId()] });
    store.removePost = async () => {
      throw new Error('redis down');
    };
    await expect(worker.apply({ kind: 'remove', postId: newId(), authorId: newId(), userIds: [newId()] })).rejects.toThrow('redis down');
    expect(await value('feed_timeline_inserts_total')).toBe(3);
    expect(await value('feed_fanout_batches_total', { kind: 'push', outcome: 'ok' })).toBe(1);
    expect(await value('feed_fanout_batches_total', { kind: 'remove', outcome: 'failed' })).toBe(1);
    expect(await value('feed_fanout_batch_duration_seconds', { kind: 'push' }, 'feed_fanout_batch_duration_seconds_count')).toBe(1);
  });
});
