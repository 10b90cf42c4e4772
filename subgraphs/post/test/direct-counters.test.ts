import { newId } from '@social/kit';
import { COUNTS, LIKE, UNLIKE, VIEW, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { COUNTER_STORE: 'direct' } });
});
afterEach(async () => {
  await h.stop();
});

describe('COUNTER_STORE=direct (the benchmark baseline)', () => {
  it('writes every count straight to the post, with nothing pending', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const alice = newId();
    await h.gql(LIKE, { p: post }, alice);
    await h.gql(LIKE, { p: post }, newId());
    await h.gql(UNLIKE, { p: post }, alice);
    await h.gql(VIEW, { ids: [post] });
    expect((await h.store.findCounts([post!]))[0]!.counts).toEqual({ likes: 1, comments: 0, views: 1 });
    expect((await h.gql(COUNTS, { id: post })).data.post).toMatchObject({ likeCount: 1, viewCount: 1 });
    expect((await h.service.workers.flushNow()).status).toBe('idle');
  });
});
