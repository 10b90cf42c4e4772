import { newId } from '@social/kit';
import { orderKey, VersionConflict, type GroupRecord, type NotificationStore } from './notification-store';

export interface StoreUnderTest {
  store: NotificationStore;
  close?: () => Promise<void>;
}

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

function group(recipientId: string, updatedMs: number, over: Partial<GroupRecord> = {}): GroupRecord {
  const actor = newId();
  return {
    id: newId(),
    recipientId,
    kind: 'LIKE',
    postId: newId(),
    commentId: null,
    members: [{ userId: actor, at: at(updatedMs), present: true }],
    actorCount: 1,
    createdAt: at(updatedMs),
    updatedAt: at(updatedMs),
    version: 0,
    ...over,
  };
}

/** The one behaviour every NotificationStore must have, run on memory (unit) and MongoDB/FerretDB (int). */
export function notificationStoreContract(name: string, make: () => Promise<StoreUnderTest>) {
  describe(`NotificationStore contract: ${name}`, () => {
    let s: StoreUnderTest;
    let store: NotificationStore;
    beforeEach(async () => {
      s = await make();
      store = s.store;
    });
    afterEach(async () => s.close?.());

    it('stores new groups and reads them back by id with every field', async () => {
      const me = newId();
      const g = group(me, 1, { kind: 'COMMENT', commentId: newId() });
      await store.saveGroups([g]);
      const found = await store.getGroups([g.id, newId()]);
      expect([...found.keys()]).toEqual([g.id]);
      expect(found.get(g.id)).toEqual({ ...g, version: 1 });
      expect(await store.getGroup(g.id)).toEqual({ ...g, version: 1 });
      expect(await store.getGroup(newId())).toBeNull();
      expect(await store.getGroup('not-an-id')).toBeNull();
    });

    it('refuses a stale write: a second insert of one id, or a replace of a version no longer stored', async () => {
      const g = group(newId(), 1);
      await store.saveGroups([g]);
      await expect(store.saveGroups([g])).rejects.toBeInstanceOf(VersionConflict);
      const v1 = (await store.getGroup(g.id))!;
      await store.saveGroups([{ ...v1, actorCount: 2 }]);
      await expect(store.saveGroups([{ ...v1, actorCount: 3 }])).rejects.toBeInstanceOf(VersionConflict);
      expect(await store.getGroup(g.id)).toMatchObject({ actorCount: 2, version: 2 });
    });

    it('lists visible groups of one recipient newest first, seeking past a cursor', async () => {
      const me = newId();
      const groups = [1, 2, 3, 4].map((i) => group(me, i * 1000));
      const hidden = group(me, 9000, { actorCount: 0, members: [] });
      await store.saveGroups([...groups, hidden, group(newId(), 5000)]);
      const first = await store.listVisible(me, 2);
      expect(first.map((g) => g.id)).toEqual([groups[3]!.id, groups[2]!.id]);
      const rest = await store.listVisible(me, 10, orderKey(first[1]!));
      expect(rest.map((g) => g.id)).toEqual([groups[1]!.id, groups[0]!.id]);
      expect(await store.countVisibleAfter(me, null)).toBe(4);
      expect(await store.countVisibleAfter(me, orderKey(groups[1]!))).toBe(2);
    });

    it('keeps a read marker that only moves forwards', async () => {
      const me = newId();
      expect(await store.getReadMarker(me)).toBeNull();
      expect(await store.advanceReadMarker(me, '000000000000002:b')).toBe('000000000000002:b');
      expect(await store.advanceReadMarker(me, '000000000000001:a')).toBe('000000000000002:b');
      expect(await store.advanceReadMarker(me, '000000000000003:c')).toBe('000000000000003:c');
      expect(await store.getReadMarker(me)).toBe('000000000000003:c');
    });

    it('keeps a block list per recipient, beside the read marker', async () => {
      const me = newId();
      const them = newId();
      expect(await store.getBlocks(me)).toEqual([]);
      await store.advanceReadMarker(me, '000000000000002:b');
      await store.saveBlocks(me, [{ userId: them, at: at(5), present: true }]);
      expect(await store.getBlocks(me)).toEqual([{ userId: them, at: at(5), present: true }]);
      expect(await store.getReadMarker(me)).toBe('000000000000002:b');
      await store.saveBlocks(me, [{ userId: them, at: at(6), present: false }]);
      expect(await store.getBlocks(me)).toEqual([{ userId: them, at: at(6), present: false }]);
    });

    it('removes groups last updated before a cutoff', async () => {
      const me = newId();
      const now = Date.now();
      const old = group(me, 0, { updatedAt: new Date(now - 10_000) });
      const fresh = group(me, 0, { updatedAt: new Date(now) });
      await store.saveGroups([old, fresh]);
      expect(await store.deleteUpdatedBefore(new Date(now - 5_000), 100)).toBeGreaterThanOrEqual(1);
      expect(await store.getGroup(old.id)).toBeNull();
      expect(await store.getGroup(fresh.id)).not.toBeNull();
    });

    it('counts its write commands', async () => {
      const before = store.writeCommands;
      await store.saveGroups([group(newId(), 1), group(newId(), 2)]);
      expect(store.writeCommands - before).toBe(1);
    });
  });
}
