import { randomBytes } from 'node:crypto';
import { isId, newId } from '@social/kit';
import { DuplicateUserError, type NewUser, type UserStore } from './user-store';

/** A handle no other test in the run uses (stores are shared by the tests of one suite). */
const uniqueHandle = () => `u_${randomBytes(5).toString('hex')}`; // 12 characters

function newUser(overrides: Partial<NewUser> = {}): NewUser {
  const handle = overrides.handle ?? uniqueHandle();
  return {
    handle,
    email: `${handle.toLowerCase()}@example.com`,
    passwordHash: '$argon2id$fake',
    displayName: `Name of ${handle}`,
    ...overrides,
  };
}

/** The behaviour every UserStore must have; run on memory (unit tier) and on MongoDB (int tier). */
export function userStoreContract(name: string, make: () => Promise<UserStore>): void {
  describe(`UserStore contract: ${name}`, () => {
    let store: UserStore;
    beforeAll(async () => {
      store = await make();
    });

    it('creates a user with a fresh id, an empty bio and the creation time, and finds it by id', async () => {
      const before = Date.now();
      const created = await store.create(newUser({ handle: `Ab_${randomBytes(4).toString('hex')}` }));
      expect(isId(created.id)).toBe(true);
      expect(created.bio).toBe('');
      expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await store.findById(created.id)).toEqual(created);
    });

    it('never returns the email or the password hash from profile reads', async () => {
      const created = await store.create(newUser());
      for (const user of [
        created,
        await store.findById(created.id),
        await store.findByHandle(created.handle),
        (await store.findByIds([created.id]))[0],
      ]) {
        expect(Object.keys(user!).sort()).toEqual(['bio', 'createdAt', 'displayName', 'handle', 'id']);
      }
    });

    it('answers null for an unknown or malformed id', async () => {
      expect(await store.findById(newId())).toBeNull();
      expect(await store.findById('not-an-id')).toBeNull();
    });

    it('finds several users by id at once, skipping unknown ids and repeats', async () => {
      const a = await store.create(newUser());
      const b = await store.create(newUser());
      const found = await store.findByIds([a.id, newId(), b.id, a.id]);
      expect(found.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.findByIds([])).toEqual([]);
    });

    it('finds a user by handle in any letter case and keeps the chosen case', async () => {
      const handle = `Mixed_${randomBytes(3).toString('hex')}`;
      const created = await store.create(newUser({ handle }));
      expect((await store.findByHandle(handle.toUpperCase()))?.id).toBe(created.id);
      expect((await store.findByHandle(handle.toLowerCase()))?.handle).toBe(handle);
      expect(await store.findByHandle(uniqueHandle())).toBeNull();
    });

    it('finds credentials by email or by handle, in any letter case', async () => {
      const handle = uniqueHandle();
      const created = await store.create(newUser({ handle, email: `${handle}@Example.COM`, passwordHash: 'hash-1' }));
      const byEmail = await store.findByHandleOrEmail(`${handle.toUpperCase()}@example.com`);
      expect(byEmail).toEqual({ user: created, passwordHash: 'hash-1' });
      expect((await store.findByHandleOrEmail(handle.toUpperCase()))?.user.id).toBe(created.id);
      expect(await store.findByHandleOrEmail(`${uniqueHandle()}@example.com`)).toBeNull();
      expect(await store.findByHandleOrEmail(uniqueHandle())).toBeNull();
    });

    it('refuses a handle taken in another letter case, writing nothing', async () => {
      const handle = `Dup_${randomBytes(3).toString('hex')}`;
      await store.create(newUser({ handle }));
      const other = newUser({ handle: handle.toLowerCase(), email: `${uniqueHandle()}@example.com` });
      await expect(store.create(other)).rejects.toEqual(new DuplicateUserError('handle'));
      await expect(store.create(other)).rejects.toBeInstanceOf(DuplicateUserError);
      expect(await store.findByHandleOrEmail(other.email)).toBeNull();
    });

    it('refuses an email taken in another letter case', async () => {
      const first = newUser();
      await store.create(first);
      const err = await store.create(newUser({ email: first.email.toUpperCase() })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DuplicateUserError);
      expect((err as DuplicateUserError).field).toBe('email');
    });

    it('lets exactly one of several concurrent registrations of one handle succeed, every time', async () => {
      for (let round = 0; round < 5; round++) {
        const handle = uniqueHandle();
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            store.create(newUser({ handle: i % 2 ? handle.toUpperCase() : handle, email: `${uniqueHandle()}@example.com` })),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
          expect(r.reason).toBeInstanceOf(DuplicateUserError);
          expect((r.reason as DuplicateUserError).field).toBe('handle');
        }
      }
    });

    it('updates only the given profile fields', async () => {
      const created = await store.create(newUser());
      const withBio = await store.updateProfile(created.id, { bio: 'Writes compilers.' });
      expect(withBio).toEqual({ ...created, bio: 'Writes compilers.' });
      const renamed = await store.updateProfile(created.id, { displayName: 'Ada' });
      expect(renamed).toEqual({ ...created, bio: 'Writes compilers.', displayName: 'Ada' });
      expect(await store.findById(created.id)).toEqual(renamed);
      expect(await store.updateProfile(newId(), { bio: 'x' })).toBeNull();
    });

    it('tells which ids exist', async () => {
      const a = await store.create(newUser());
      const b = await store.create(newUser());
      const missing = newId();
      expect((await store.existingIds([a.id, missing, b.id, a.id, 'junk'])).sort()).toEqual([a.id, b.id].sort());
      expect(await store.existingIds([])).toEqual([]);
    });
  });
}
