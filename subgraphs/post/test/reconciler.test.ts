import { newId } from '@social/kit';
import { MemoryCounterStore } from '../src/stores/memory-counter-store';
import { COMMENT, COUNTS, LIKE, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const counts = async (post: string) => (await h.gql(COUNTS, { id: post })).data.post;

describe('Reconciler', () => {
  it('restores exact like and comment counts when pending deltas were lost, and leaves views alone', async () => {
    const [a, b] = await createPosts(h, newId(), 2);
    for (let i = 0; i < 3; i++) await h.gql(LIKE, { p: a }, newId());
    await h.gql(COMMENT, { p: a, t: 'one' }, newId());
    await h.service.workers.flushNow();
    await h.gql(LIKE, { p: a }, newId());
    await h.gql(LIKE, { p: b }, newId());
    await h.gql(`mutation($ids: [ID!]!) { recordView(postIds: $ids) }`, { ids: [a] });

    // What a Redis restart without persistence does: every pending delta gone.
    const lost = (h.counters as unknown as { live: Map<string, number> }).live;
    lost.clear();
    expect(await counts(a!)).toMatchObject({ likeCount: 3, commentCount: 1, viewCount: 0 });

    const corrections = await h.service.workers.reconciler.reconcileSince(new Date(Date.now() - 60_000));
    expect(corrections.sort((x, y) => (x.postId < y.postId ? -1 : 1))).toEqual(
      [
        { postId: a, likes: 1, comments: 0 },
        { postId: b, likes: 1, comments: 0 },
      ].sort((x, y) => (x.postId! < y.postId! ? -1 : 1)),
    );
    expect(await counts(a!)).toMatchObject({ likeCount: 4, commentCount: 1, viewCount: 0 });
    expect(await counts(b!)).toMatchObject({ likeCount: 1 });
    expect(await h.service.workers.reconciler.recountPost(a!)).toEqual({ postId: a, likes: 0, comments: 0 }); // exact now
  });

  it('accounts for deltas still pending, so a recount never counts them twice', async () => {
    const [post] = await createPosts(h, newId(), 1);
    await h.gql(LIKE, { p: post }, newId());
    await h.gql(COMMENT, { p: post, t: 'x' }, newId());
    expect(await h.service.workers.reconciler.recountPost(post!)).toEqual({ postId: post, likes: 0, comments: 0 });
    await h.service.workers.flushNow();
    expect(await counts(post!)).toMatchObject({ likeCount: 1, commentCount: 1 });
  });

  it('runs after the flusher sees the counter store lost its data', async () => {
    const [post] = await createPosts(h, newId(), 1);
    await h.service.workers.flushNow(); // starts the epoch
    await h.gql(LIKE, { p: post }, newId());
    // A restarted store: empty, and no epoch.
    Object.assign(h.counters, new MemoryCounterStore());
    expect((await counts(post!)).likeCount).toBe(0);
    expect((await h.service.workers.flushNow()).dataLoss).toBe(true);
    expect((await counts(post!)).likeCount).toBe(1);
  });

  it('returns null for an unknown post', async () => {
    expect(await h.service.workers.reconciler.recountPost(newId())).toBeNull();
  });
});
