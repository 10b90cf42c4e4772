import { MemoryPostStore } from './memory-post-store';
import { postStoreContract } from './post-store.contract';

postStoreContract('memory', async () => ({ store: new MemoryPostStore() }));

describe('MemoryPostStore.seed (datasets written elsewhere) and its per-author order', () => {
  // Ids given out of order, two authors interleaved: reads must come back newest first by id all the same.
  const id = (n: number) => n.toString(16).padStart(24, '0');
  const [ann, bob] = [id(0xa1), id(0xb2)];
  const seeded = [5, 1, 9, 3, 7, 2, 8].map((n) => ({
    id: id(n),
    authorId: n % 2 ? ann : bob,
    text: `post ${n}`,
    createdAt: new Date(n * 1000),
  }));
  const store = new MemoryPostStore();
  store.seed(seeded);

  it('keeps the ids and times it was given', async () => {
    expect(await store.findById(id(9))).toMatchObject({
      id: id(9),
      authorId: ann,
      text: 'post 9',
      createdAt: new Date(9000),
      deletedAt: null,
    });
  });

  it("pages an author's posts and several authors' posts newest first, below a cursor", async () => {
    expect((await store.listByAuthor(ann, 10)).map((p) => p.text)).toEqual(['post 9', 'post 7', 'post 5', 'post 3', 'post 1']);
    expect((await store.listByAuthor(ann, 2, id(7))).map((p) => p.text)).toEqual(['post 5', 'post 3']);
    expect(await store.recentIdsByAuthors([ann, bob], 4)).toEqual([id(9), id(8), id(7), id(5)]);
    expect(await store.recentIdsByAuthors([bob, bob], 10, id(8))).toEqual([id(2)]);
  });

  it('leaves deleted posts out and puts new posts on top', async () => {
    await store.softDelete(id(8));
    const fresh = await store.create({ authorId: bob, text: 'fresh' });
    expect(await store.recentIdsByAuthors([bob], 10)).toEqual([fresh.id, id(2)]);
  });
});
