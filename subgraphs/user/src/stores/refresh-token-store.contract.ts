import { randomBytes } from 'node:crypto';
import { newId } from '@social/kit';
import type { NewRefreshToken, RefreshTokenStore } from './refresh-token-store';

const HOUR = 3_600_000;

function newToken(overrides: Partial<NewRefreshToken> = {}): NewRefreshToken {
  const now = new Date();
  return {
    tokenHash: randomBytes(32).toString('hex'),
    userId: newId(),
    familyId: newId(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOUR),
    ...overrides,
  };
}

/** The behaviour every RefreshTokenStore must have; run on memory (unit tier) and on MongoDB (int tier). */
export function refreshTokenStoreContract(name: string, make: () => Promise<RefreshTokenStore>): void {
  describe(`RefreshTokenStore contract: ${name}`, () => {
    let store: RefreshTokenStore;
    beforeAll(async () => {
      store = await make();
    });

    it('stores a token unused and unrevoked, found by its hash', async () => {
      const token = newToken();
      expect(await store.insert(token)).toEqual({ ...token, usedAt: null, revokedAt: null });
      expect(await store.findByHash(token.tokenHash)).toEqual({ ...token, usedAt: null, revokedAt: null });
      expect(await store.findByHash(randomBytes(32).toString('hex'))).toBeNull();
    });

    it('refuses a second token with the same hash', async () => {
      const token = newToken();
      await store.insert(token);
      await expect(store.insert({ ...token, familyId: newId() })).rejects.toThrow();
    });

    it('marks a token used once; the second attempt gets null', async () => {
      const token = newToken();
      await store.insert(token);
      const now = new Date();
      expect(await store.markUsed(token.tokenHash, now)).toEqual({ ...token, usedAt: now, revokedAt: null });
      expect(await store.markUsed(token.tokenHash, new Date())).toBeNull();
      expect((await store.findByHash(token.tokenHash))?.usedAt).toEqual(now);
    });

    it('does not mark an unknown, expired or revoked token', async () => {
      expect(await store.markUsed(randomBytes(32).toString('hex'), new Date())).toBeNull();

      const expired = newToken({ expiresAt: new Date(Date.now() - 1000) });
      await store.insert(expired);
      expect(await store.markUsed(expired.tokenHash, new Date())).toBeNull();
      expect((await store.findByHash(expired.tokenHash))?.usedAt).toBeNull();

      const revoked = newToken();
      await store.insert(revoked);
      await store.revokeFamily(revoked.familyId, new Date());
      expect(await store.markUsed(revoked.tokenHash, new Date())).toBeNull();
      expect((await store.findByHash(revoked.tokenHash))?.usedAt).toBeNull();
    });

    it('lets exactly one of several concurrent markUsed calls win, every time', async () => {
      // Repeated: a store whose claim is not atomic wins twice in some rounds, rarely in the first.
      for (let round = 0; round < 20; round++) {
        const token = newToken();
        await store.insert(token);
        const results = await Promise.all(Array.from({ length: 4 }, () => store.markUsed(token.tokenHash, new Date())));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect((await store.findByHash(token.tokenHash))?.usedAt).not.toBeNull();
      }
    });

    it('revokes every token of a family, used or not, and nothing else', async () => {
      const familyId = newId();
      const first = newToken({ familyId });
      const second = newToken({ familyId });
      const stranger = newToken();
      for (const t of [first, second, stranger]) await store.insert(t);
      await store.markUsed(first.tokenHash, new Date());

      const at = new Date();
      expect(await store.revokeFamily(familyId, at)).toBe(2);
      expect((await store.findByHash(first.tokenHash))?.revokedAt).toEqual(at);
      expect((await store.findByHash(second.tokenHash))?.revokedAt).toEqual(at);
      expect((await store.findByHash(stranger.tokenHash))?.revokedAt).toBeNull();

      // Idempotent: a second revocation changes nothing and keeps the first time.
      expect(await store.revokeFamily(familyId, new Date(at.getTime() + 5000))).toBe(0);
      expect((await store.findByHash(first.tokenHash))?.revokedAt).toEqual(at);
      expect(await store.revokeFamily(newId(), new Date())).toBe(0);
    });
  });
}
