import { newId } from '@social/kit';
import { ENTITIES, POST, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('Post references (_entities)', () => {
  it('hydrates a timeline page of 20 posts with ONE store call, in the order asked', async () => {
    const alice = newId();
    const bob = newId();
    const ids = [...(await createPosts(h, alice, 10)), ...(await createPosts(h, bob, 10))].reverse();
    const findByIds = jest.spyOn(h.store, 'findByIds');

    const r = await h.gql(ENTITIES, { r: ids.map((id) => ({ __typename: 'Post', id })) });
    expect(r.errors).toBeUndefined();
    expect(r.data._entities.map((p: { id: string }) => p.id)).toEqual(ids);
    expect(r.data._entities[0].author.id).toBe(bob);
    expect(findByIds).toHaveBeenCalledTimes(1);
    expect(findByIds.mock.calls[0]![0]).toHaveLength(20);
  });

  it('resolves unknown, deleted and malformed references to null, next to the live ones', async () => {
    const alice = newId();
    const [live, gone] = await createPosts(h, alice, 2);
    await h.store.softDelete(gone!);
    const r = await h.gql(ENTITIES, {
      r: [
        { __typename: 'Post', id: newId() },
        { __typename: 'Post', id: gone },
        { __typename: 'Post', id: 'garbage' },
        { __typename: 'Post', id: live },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data._entities.slice(0, 3)).toEqual([null, null, null]);
    expect(r.data._entities[3].id).toBe(live);
  });

  it('shares the loader with post(id) fields in the same request', async () => {
    const [a, b] = await createPosts(h, newId(), 2);
    const findByIds = jest.spyOn(h.store, 'findByIds');
    const r = await h.gql(`query($a: ID!, $b: ID!) { a: post(id: $a) { id } b: post(id: $b) { id } again: post(id: $a) { text } }`, {
      a,
      b,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.a.id).toBe(a);
    expect(r.data.b.id).toBe(b);
    expect(findByIds).toHaveBeenCalledTimes(1);
    expect(POST).toContain('post(id');
  });
});
