import { newId } from '@social/kit';
import { DELETE, codes, createPosts, startHarness, type Harness } from './harness';

const LIVE = `query($ids: [ID!]!) { _livePostIds(ids: $ids) }`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('_livePostIds (internal, for the feed to drop posts deleted before their event arrived)', () => {
  it('keeps existing, undeleted posts in the order asked, dropping deleted and unknown ids', async () => {
    const alice = newId();
    const [a, b, c] = await createPosts(h, alice, 3);
    await h.gql(DELETE, { id: b }, alice);
    const res = await h.gql(LIVE, { ids: [c, newId(), b, a] });
    expect(res.errors).toBeUndefined();
    expect(res.data._livePostIds).toEqual([c, a]);
  });

  it('refuses more than 100 ids with BAD_USER_INPUT; a malformed id is simply not live (as the entity loader treats it)', async () => {
    const tooMany = Array.from({ length: 101 }, () => newId());
    expect(codes(await h.gql(LIVE, { ids: tooMany }))).toEqual(['BAD_USER_INPUT']);
    const [a] = await createPosts(h, newId(), 1);
    expect((await h.gql(LIVE, { ids: ['not-an-id', a] })).data._livePostIds).toEqual([a]);
  });
});
