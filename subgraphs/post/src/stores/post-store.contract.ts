import { newId } from '@social/kit';
import { countItem, eventItem } from '../outbox/outbox';
import type { PostStore } from './post-store';

export interface PostStoreHandle {
  store: PostStore;
  /** Drops the store's data and closes its connections. */
  close?: () => Promise<void>;
}

/**
 * The one behaviour every PostStore must have, run on the memory store (unit tier) and on the real
 * database (int tier), so the embedded default cannot drift from production.
 */
export function postStoreContract(name: string, make: () => Promise<PostStoreHandle>): void {
  describe(`PostStore contract: ${name}`, () => {
    let handle: PostStoreHandle;
    let store: PostStore;

    beforeEach(async () => {
      handle = await make();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close?.();
    });

    /** Creates posts one after another; returns them oldest first. */
    async function createMany(authorId: string, n: number, prefix = 'post') {
      const posts = [];
      for (let i = 0; i < n; i++) posts.push(await store.create({ authorId, text: `${prefix} ${i}` }));
      return posts;
    }

    it('creates a post with a fresh ObjectId, its author, text and time, not deleted', async () => {
      const authorId = newId();
      const before = Date.now();
      const post = await store.create({ authorId, text: 'hello 👋🏽' });
      expect(post.id).toMatch(/^[0-9a-f]{24}$/);
      expect(post).toMatchObject({ authorId, text: 'hello 👋🏽', deletedAt: null });
      expect(post.createdAt).toBeInstanceOf(Date);
      expect(post.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await store.findById(post.id)).toEqual(post);
    });

    it('gives every post a distinct id, increasing in creation order', async () => {
      const posts = await createMany(newId(), 5);
      const ids = posts.map((p) => p.id);
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort()).toEqual(ids);
    });

    it('findById returns null for unknown and malformed ids', async () => {
      expect(await store.findById(newId())).toBeNull();
      expect(await store.findById('not-an-id')).toBeNull();
    });

    it('findByIds returns the live posts among the ids and skips unknown, malformed and duplicate ids', async () => {
      const [a, b, c] = await createMany(newId(), 3);
      const found = await store.findByIds([c!.id, newId(), a!.id, 'nope', a!.id]);
      expect(found.map((p) => p.id).sort()).toEqual([a!.id, c!.id].sort());
      expect(found.find((p) => p.id === c!.id)).toEqual(c);
      expect(await store.findByIds([])).toEqual([]);
      expect(b).toBeDefined();
    });

    it('liveIds keeps the live posts among the ids in the given order, leaving out deleted, unknown and malformed ids', async () => {
      const [a, b, c] = await createMany(newId(), 3);
      await store.softDelete(b!.id);
      expect(await store.liveIds([c!.id, newId(), b!.id, 'nope', a!.id])).toEqual([c!.id, a!.id]);
      expect(await store.liveIds([])).toEqual([]);
    });

    it('listByAuthor pages newest first with a keyset on the id, without skipping or repeating', async () => {
      const authorId = newId();
      const other = newId();
      const mine = await createMany(authorId, 7);
      await createMany(other, 2, 'other');
      const expected = mine.map((p) => p.id).reverse();

      const seen: string[] = [];
      let before: string | null = null;
      for (;;) {
        const page = await store.listByAuthor(authorId, 3, before);
        seen.push(...page.map((p) => p.id));
        if (page.length < 3) break;
        before = page[page.length - 1]!.id;
      }
      expect(seen).toEqual(expected);
      expect((await store.listByAuthor(authorId, 2))[0]).toEqual(mine[6]);
      expect(await store.listByAuthor(newId(), 10)).toEqual([]);
    });

    it('recentIdsByAuthors merges several authors newest first and seeks strictly older than beforeId', async () => {
      const alice = newId();
      const bob = newId();
      const carol = newId();
      const posts = [];
      for (let i = 0; i < 3; i++) {
        posts.push(await store.create({ authorId: alice, text: `a${i}` }));
        posts.push(await store.create({ authorId: bob, text: `b${i}` }));
        posts.push(await store.create({ authorId: carol, text: `c${i}` }));
      }
      const expected = posts
        .filter((p) => p.authorId !== carol)
        .map((p) => p.id)
        .reverse();
      expect(await store.recentIdsByAuthors([alice, bob], 100)).toEqual(expected);
      expect(await store.recentIdsByAuthors([alice, bob], 2)).toEqual(expected.slice(0, 2));
      expect(await store.recentIdsByAuthors([alice, bob], 3, expected[1])).toEqual(expected.slice(2, 5));
      expect(await store.recentIdsByAuthors([], 10)).toEqual([]);
      expect(await store.recentIdsByAuthors([newId()], 10)).toEqual([]);
    });

    it('softDelete marks a live post deleted once and hides it from every read', async () => {
      const authorId = newId();
      const [keep, gone] = await createMany(authorId, 2);
      const deleted = await store.softDelete(gone!.id);
      expect(deleted).toMatchObject({ id: gone!.id, authorId, text: gone!.text });
      expect(deleted!.deletedAt).toBeInstanceOf(Date);

      expect(await store.findById(gone!.id)).toBeNull();
      expect(await store.findByIds([gone!.id, keep!.id])).toEqual([keep]);
      expect(await store.listByAuthor(authorId, 10)).toEqual([keep]);
      expect(await store.recentIdsByAuthors([authorId], 10)).toEqual([keep!.id]);

      expect(await store.softDelete(gone!.id)).toBeNull();
    });

    it('softDelete returns null for unknown and malformed ids', async () => {
      expect(await store.softDelete(newId())).toBeNull();
      expect(await store.softDelete('xyz')).toBeNull();
    });

    it('lets exactly one of several concurrent deletes win, every time', async () => {
      const posts = await createMany(newId(), 5, 'race');
      for (const post of posts) {
        const results = await Promise.all(Array.from({ length: 4 }, () => store.softDelete(post.id)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.findById(post.id)).toBeNull();
      }
    });

    it('stores mentions and starts every count at zero', async () => {
      const [a, b] = [newId(), newId()];
      const post = await store.create({ authorId: newId(), text: 'hi @a @b', mentions: [a, b] });
      expect(post).toMatchObject({ mentions: [a, b], counts: { likes: 0, comments: 0, views: 0 }, lastFlushId: null });
      expect((await store.findById(post.id))!.mentions).toEqual([a, b]);
    });

    it('keeps the outbox items of a create pending until settled, and finds them only once old enough', async () => {
      const authorId = newId();
      let created: ReturnType<typeof eventItem<'post.created'>> | undefined;
      const post = await store.create({
        authorId,
        text: 'with effects',
        outbox: (p) => [
          (created = eventItem('post.created', { postId: p.id, authorId: p.authorId, createdAt: p.createdAt.toISOString() })),
        ],
      });
      expect(created!.data.postId).toBe(post.id);
      await store.create({ authorId, text: 'no effects' });
      const [posts] = store.outboxSources();
      expect(posts!.name).toBe('posts');

      expect(await posts!.pending(new Date(Date.now() - 60_000), 10)).toEqual([]);
      const pending = await posts!.pending(new Date(Date.now() + 1000), 10);
      expect(pending).toEqual([{ id: post.id, items: [created] }]);

      const counted = countItem(post.id, 'likes', 1);
      await posts!.settle(post.id, [counted]);
      expect(await posts!.pending(new Date(Date.now() + 1000), 10)).toEqual([{ id: post.id, items: [counted] }]);
      await posts!.settle(post.id, []);
      expect(await posts!.pending(new Date(Date.now() + 1000), 10)).toEqual([]);
    });

    it('stores the delete outbox on the winning claim only', async () => {
      const post = await store.create({ authorId: newId(), text: 'to delete' });
      const item = eventItem('post.deleted', { postId: post.id, authorId: post.authorId });
      const results = await Promise.all([
        store.softDelete(post.id, [item]),
        store.softDelete(post.id, [eventItem('post.deleted', { postId: post.id, authorId: post.authorId })]),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const deletions = store.outboxSources().find((s) => s.name === 'post_deletions')!;
      const pending = await deletions.pending(new Date(Date.now() + 1000), 10);
      expect(pending).toHaveLength(1);
      expect(pending[0]!.id).toBe(post.id);
      expect(pending[0]!.items).toHaveLength(1);
      await deletions.complete!(post.id); // idempotent on a finished delete
      expect(await store.findById(post.id)).toBeNull();
    });

    it('applies a counter flush once per flush id, and finds counts of deleted posts too', async () => {
      const [a, b] = [await store.create({ authorId: newId(), text: 'a' }), await store.create({ authorId: newId(), text: 'b' })];
      const f1 = newId();
      const deltas = new Map([
        [a.id, { likes: 2, views: 5 }],
        [b.id, { comments: 1 }],
        [newId(), { likes: 1 }], // unknown post: ignored
      ]);
      await store.applyCounterFlush(f1, deltas);
      await store.applyCounterFlush(f1, deltas); // a replay after a crash counts nothing twice
      await store.applyCounterFlush(newId(), new Map([[a.id, { likes: -1 }]]));
      await store.softDelete(b.id);

      const rows = await store.findCounts([a.id, b.id, newId(), 'bad']);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(rows).toHaveLength(2);
      expect(byId.get(a.id)!.counts).toEqual({ likes: 1, comments: 0, views: 5 });
      expect(byId.get(b.id)).toEqual({ id: b.id, counts: { likes: 0, comments: 1, views: 0 }, lastFlushId: f1 });
      expect((await store.findById(a.id))!.counts).toEqual({ likes: 1, comments: 0, views: 5 });
    });

    it('adjustCounts adds a correction without touching the last flush id', async () => {
      const post = await store.create({ authorId: newId(), text: 'fix me' });
      const f = newId();
      await store.applyCounterFlush(f, new Map([[post.id, { likes: 3 }]]));
      await store.adjustCounts(post.id, { likes: -2, comments: 4 });
      expect(await store.findCounts([post.id])).toEqual([{ id: post.id, counts: { likes: 1, comments: 4, views: 0 }, lastFlushId: f }]);
    });
  });
}
