import { MemoryUserStore } from './memory-user-store';
import { userStoreContract } from './user-store.contract';

userStoreContract('memory', async () => new MemoryUserStore());

describe('MemoryUserStore.seed (accounts of a dataset written elsewhere)', () => {
  it('finds seeded accounts by id and handle, and keeps their handles and emails taken', async () => {
    const store = new MemoryUserStore();
    const id = '0123456789abcdef01234567';
    store.seed([
      { id, handle: 'u000001', email: 'U000001@bench.example', displayName: 'Bench', passwordHash: 'x', createdAt: new Date(1000) },
    ]);
    expect(await store.findById(id)).toMatchObject({ id, handle: 'u000001', displayName: 'Bench', createdAt: new Date(1000) });
    expect((await store.findByHandle('U000001'))?.id).toBe(id);
    await expect(
      store.create({ handle: 'u000001', email: 'other@example.com', passwordHash: 'x', displayName: 'Other' }),
    ).rejects.toThrow();
    await expect(
      store.create({ handle: 'other', email: 'u000001@bench.example', passwordHash: 'x', displayName: 'Other' }),
    ).rejects.toThrow();
  });
});
