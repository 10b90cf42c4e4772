import { newId } from '@social/kit';
import { eventItem } from '../outbox/outbox';
import type { CommentStore, NewComment } from './comment-store';

export interface CommentStoreHandle {
  store: CommentStore;
  close?: () => Promise<void>;
}

const FUTURE = () => new Date(Date.now() + 60_000);

/** The behaviour every CommentStore must have, on memory (unit) and on the real database (int). */
export function commentStoreContract(name: string, make: () => Promise<CommentStoreHandle>): void {
  describe(`CommentStore contract: ${name}`, () => {
    let handle: CommentStoreHandle;
    let store: CommentStore;
    beforeEach(async () => {
      handle = await make();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close?.();
    });

    const comment = (postId: string, text = 'nice', extra: Partial<NewComment> = {}): NewComment => ({
      postId,
      postAuthorId: newId(),
      authorId: newId(),
      text,
      mentions: [],
      outbox: () => [],
      ...extra,
    });

    it('creates a comment with a fresh id and finds it by id', async () => {
      const post = newId();
      const m = newId();
      const c = await store.create(comment(post, 'hello @m 👋🏽', { mentions: [m] }));
      expect(c).toMatchObject({ postId: post, text: 'hello @m 👋🏽', mentions: [m] });
      expect(c.id).toMatch(/^[0-9a-f]{24}$/);
      expect(c.createdAt).toBeInstanceOf(Date);
      expect(await store.findById(c.id)).toEqual(c);
      expect(await store.findById(newId())).toBeNull();
      expect(await store.findById('nope')).toBeNull();
      expect(await store.findByIds([c.id, newId(), 'x'])).toEqual([c]);
    });

    it("lists one post's comments oldest first with a keyset, and counts them", async () => {
      const post = newId();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.create(comment(post, `c${i}`))).id);
      await store.create(comment(newId()));
      expect((await store.listByPost(post, 3)).map((c) => c.id)).toEqual(ids.slice(0, 3));
      expect((await store.listByPost(post, 3, ids[2])).map((c) => c.id)).toEqual(ids.slice(3));
      expect(await store.countByPost(post)).toBe(5);
    });

    it('deletes once: of concurrent deletes exactly one gets the comment back', async () => {
      for (let i = 0; i < 5; i++) {
        const c = await store.create(comment(newId()));
        const results = await Promise.all(Array.from({ length: 4 }, () => store.delete(c.id, [])));
        expect(results.filter(Boolean)).toEqual([c]);
        expect(await store.findById(c.id)).toBeNull();
        expect(await store.delete(c.id, [])).toBeNull();
      }
      expect(await store.delete(newId(), [])).toBeNull();
    });

    it('keeps outbox items on the comment and on the deletion claim until settled', async () => {
      const post = newId();
      let added: ReturnType<typeof eventItem<'comment.added'>> | undefined;
      const c = await store.create(
        comment(post, 'x', {
          outbox: (r) => [
            (added = eventItem('comment.added', {
              commentId: r.id,
              postId: r.postId,
              postAuthorId: r.postAuthorId,
              authorId: r.authorId,
              createdAt: r.createdAt.toISOString(),
            })),
          ],
        }),
      );
      expect(added!.data.commentId).toBe(c.id);
      const [comments, deletions] = store.outboxSources();
      expect(await comments!.pending(FUTURE(), 10)).toEqual([{ id: c.id, items: [added] }]);
      await comments!.settle(c.id, []);
      expect(await comments!.pending(FUTURE(), 10)).toEqual([]);

      const removed = eventItem('comment.deleted', { commentId: c.id, postId: post, postAuthorId: c.postAuthorId, authorId: c.authorId });
      await store.delete(c.id, [removed]);
      expect(await deletions!.pending(FUTURE(), 10)).toEqual([{ id: c.id, items: [removed] }]);
      await deletions!.complete!(c.id);
      expect(await store.findById(c.id)).toBeNull();
    });

    it('names the posts commented on or with a deleted comment since a time', async () => {
      const [a, b] = [newId(), newId()];
      const since = new Date(Date.now() - 1000);
      await store.create(comment(a));
      const c = await store.create(comment(b));
      await store.delete(c.id, []);
      expect((await store.postIdsTouchedSince(since, 100)).sort()).toEqual([a, b].sort());
      expect(await store.postIdsTouchedSince(FUTURE(), 100)).toEqual([]);
    });
  });
}
