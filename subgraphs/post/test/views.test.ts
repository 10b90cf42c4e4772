import { newId } from '@social/kit';
import { MAX_VIEW_BATCH } from '../src/server';
import { COUNTS, VIEW, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('recordView', () => {
  it('counts one view per distinct id per call, signed in or out, exact before and after a flush', async () => {
    const [a, b] = await createPosts(h, newId(), 2);
    expect((await h.gql(VIEW, { ids: [a, b, a] }, newId())).data.recordView).toBe(2);
    expect((await h.gql(VIEW, { ids: [a] }, null)).data.recordView).toBe(1);
    expect((await h.gql(COUNTS, { id: a })).data.post.viewCount).toBe(2);
    expect((await h.gql(COUNTS, { id: b })).data.post.viewCount).toBe(1);
    await h.service.workers.flushNow();
    expect((await h.store.findCounts([a!]))[0]!.counts.views).toBe(2);
    expect((await h.gql(COUNTS, { id: a })).data.post.viewCount).toBe(2);
  });

  it(`takes ${MAX_VIEW_BATCH} ids and refuses more (hundreds) with a clear BAD_USER_INPUT`, async () => {
    const ok = await h.gql(VIEW, { ids: Array.from({ length: MAX_VIEW_BATCH }, newId) });
    expect(ok.data.recordView).toBe(MAX_VIEW_BATCH);
    for (const n of [MAX_VIEW_BATCH + 1, 300]) {
      const r = await h.gql(VIEW, { ids: Array.from({ length: n }, newId) });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('postIds');
      expect(r.errors![0]!.message).toBe(
        `recordView takes at most ${MAX_VIEW_BATCH} post ids per call, and got ${n}. Send the rest in further calls.`,
      );
    }
  });

  it('refuses a malformed id and records nothing from that call', async () => {
    const [a] = await createPosts(h, newId(), 1);
    const r = await h.gql(VIEW, { ids: [a, 'not-an-id'] });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect((await h.gql(COUNTS, { id: a })).data.post.viewCount).toBe(0);
    expect((await h.gql(VIEW, { ids: [] })).data.recordView).toBe(0);
  });

  it('drops views (returns 0) instead of failing when the counter store is down', async () => {
    const [a] = await createPosts(h, newId(), 1);
    jest.spyOn(h.counters, 'addViews').mockRejectedValue(new Error('redis down'));
    const r = await h.gql(VIEW, { ids: [a] });
    expect(r.errors).toBeUndefined();
    expect(r.data.recordView).toBe(0);
  });

  it('ignores views of unknown posts at the flush', async () => {
    const ghost = newId();
    await h.gql(VIEW, { ids: [ghost] });
    await h.service.workers.flushNow();
    expect(await h.store.findCounts([ghost])).toEqual([]);
    expect((await h.counters.openFlights()).length).toBe(0);
  });
});
