import { newId } from '@social/kit';
import { DELETE, RECENT, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('_recentPostIds (internal, for the pull feed)', () => {
  it('merges several authors newest first and pages strictly older than `before`', async () => {
    const alice = newId();
    const bob = newId();
    const carol = newId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(...(await createPosts(h, alice, 1, 'a')));
      ids.push(...(await createPosts(h, bob, 1, 'b')));
      await createPosts(h, carol, 1, 'c');
    }
    const newestFirst = [...ids].reverse();
    const all = await h.gql(RECENT, { a: [alice, bob], n: 101 });
    expect(all.errors).toBeUndefined();
    expect(all.data._recentPostIds).toEqual(newestFirst);

    const page1 = await h.gql(RECENT, { a: [alice, bob], n: 4 });
    expect(page1.data._recentPostIds).toEqual(newestFirst.slice(0, 4));
    const page2 = await h.gql(RECENT, { a: [alice, bob], n: 4, b: newestFirst[3] });
    expect(page2.data._recentPostIds).toEqual(newestFirst.slice(4));
  });

  it('leaves out deleted posts and answers [] for no authors', async () => {
    const alice = newId();
    const [keep, gone] = await createPosts(h, alice, 2);
    await h.gql(DELETE, { id: gone }, alice);
    expect((await h.gql(RECENT, { a: [alice], n: 10 })).data._recentPostIds).toEqual([keep]);
    expect((await h.gql(RECENT, { a: [], n: 10 })).data._recentPostIds).toEqual([]);
  });

  it('takes 5,000 authors in one call (~135 KB of JSON) and refuses 5,001', async () => {
    const alice = newId();
    const [post] = await createPosts(h, alice, 1);
    const many = [alice, ...Array.from({ length: 4_999 }, () => newId())];
    const ok = await h.gql(RECENT, { a: many, n: 10 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data._recentPostIds).toEqual([post]);
    const tooMany = await h.gql(RECENT, { a: [...many, newId()], n: 10 });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['a malformed author id', () => ({ a: [newId(), 'nope'], n: 10 }), 'authorIds'],
    ['first = 102', () => ({ a: [newId()], n: 102 }), 'first'],
    ['first = 0', () => ({ a: [newId()], n: 0 }), 'first'],
    ['a malformed `before`', () => ({ a: [newId()], n: 10, b: 'xyz' }), 'before'],
  ])('refuses %s with BAD_USER_INPUT', async (_name, vars, field) => {
    const r = await h.gql(RECENT, vars());
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe(field);
  });
});
