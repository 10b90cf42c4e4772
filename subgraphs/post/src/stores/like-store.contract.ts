import { newId } from '@social/kit';
import { countItem, eventItem } from '../outbox/outbox';
import type { LikeStore } from './like-store';

export interface LikeStoreHandle {
  store: LikeStore;
  close?: () => Promise<void>;
}

const FUTURE = () => new Date(Date.now() + 60_000);

/** The behaviour every LikeStore must have, on memory (unit) and on the real database (int). */
export function likeStoreContract(name: string, make: () => Promise<LikeStoreHandle>): void {
  describe(`LikeStore contract: ${name}`, () => {
    let handle: LikeStoreHandle;
    let store: LikeStore;
    beforeEach(async () => {
      handle = await make();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close?.();
    });

    const liked = (postId: string, userId: string) => eventItem('post.liked', { postId, authorId: newId(), userId });

    it('likes once per person and post; liking again writes nothing and returns the first like', async () => {
      const [post, alice] = [newId(), newId()];
      const first = await store.like(post, alice, [liked(post, alice)]);
      expect(first.created).toBe(true);
      expect(first.like).toMatchObject({ postId: post, userId: alice });
      expect(first.like.id).toMatch(/^[0-9a-f]{24}$/);
      const again = await store.like(post, alice, [liked(post, alice)]);
      expect(again).toEqual({ created: false, like: first.like });
      expect(await store.countByPost(post)).toBe(1);
      // Only the first like's outbox was stored.
      const [likes] = store.outboxSources();
      expect(await likes!.pending(FUTURE(), 10)).toHaveLength(1);
    });

    it('lets exactly one of several concurrent likes of the same pair be created', async () => {
      for (let i = 0; i < 5; i++) {
        const [post, bob] = [newId(), newId()];
        const results = await Promise.all(Array.from({ length: 4 }, () => store.like(post, bob, [])));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.like.id)).size).toBe(1);
        expect(await store.countByPost(post)).toBe(1);
      }
    });

    it('unlikes what was liked, returns null for what never was, and can like again afterwards', async () => {
      const [post, alice] = [newId(), newId()];
      expect(await store.unlike(post, alice, [])).toBeNull();
      const { like } = await store.like(post, alice, []);
      expect(await store.unlike(post, alice, [])).toEqual(like);
      expect(await store.unlike(post, alice, [])).toBeNull();
      expect(await store.countByPost(post)).toBe(0);
      const again = await store.like(post, alice, []);
      expect(again.created).toBe(true);
      expect(again.like.id).not.toBe(like.id);
    });

    it('lets exactly one of several concurrent unlikes remove the like, storing only its outbox', async () => {
      for (let i = 0; i < 5; i++) {
        const [post, carol] = [newId(), newId()];
        await store.like(post, carol, []);
        const results = await Promise.all(Array.from({ length: 4 }, () => store.unlike(post, carol, [countItem(post, 'likes', -1)])));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.countByPost(post)).toBe(0);
      }
      const removals = store.outboxSources().find((s) => s.name === 'like_removals')!;
      expect(await removals.pending(FUTURE(), 100)).toHaveLength(5);
    });

    it('answers likedAmong for a batch of posts', async () => {
      const [a, b, c, dave] = [newId(), newId(), newId(), newId()];
      await store.like(a, dave, []);
      await store.like(c, dave, []);
      await store.like(b, newId(), []);
      expect(await store.likedAmong(dave, [a, b, c, 'bad'])).toEqual(new Set([a, c]));
      expect(await store.likedAmong(dave, [])).toEqual(new Set());
    });

    it("lists one post's likes newest first with a keyset on the like id", async () => {
      const post = newId();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.like(post, newId(), [])).like.id);
      await store.like(newId(), newId(), []);
      const expected = [...ids].reverse();
      expect((await store.listByPost(post, 3)).map((l) => l.id)).toEqual(expected.slice(0, 3));
      expect((await store.listByPost(post, 3, expected[2])).map((l) => l.id)).toEqual(expected.slice(3));
    });

    it('names the posts liked or unliked since a time', async () => {
      const [a, b, erin] = [newId(), newId(), newId()];
      const since = new Date(Date.now() - 1000);
      await store.like(a, erin, []);
      await store.like(b, erin, []);
      await store.unlike(b, erin, []);
      expect((await store.postIdsTouchedSince(since, 100)).sort()).toEqual([a, b].sort());
      expect(await store.postIdsTouchedSince(FUTURE(), 100)).toEqual([]);
    });

    it('settles outbox items, and completes an unlike the relay finds half done', async () => {
      const [post, frank] = [newId(), newId()];
      const item = liked(post, frank);
      const { like } = await store.like(post, frank, [item]);
      const [likes, removals] = store.outboxSources();
      expect(await likes!.pending(FUTURE(), 10)).toEqual([{ id: like.id, items: [item] }]);
      await likes!.settle(like.id, []);
      expect(await likes!.pending(FUTURE(), 10)).toEqual([]);
      await store.unlike(post, frank, []);
      await removals!.complete!(like.id); // idempotent when the unlike finished
      expect(await store.countByPost(post)).toBe(0);
    });
  });
}
