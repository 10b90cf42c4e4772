import { createLogger, newId } from '@social/kit';
import { MemoryRefreshTokenStore } from '../stores/memory-refresh-token-store';
import type { RefreshTokenStore } from '../stores/refresh-token-store';
import { AccessTokenIssuer } from './access-tokens';
import { hashRefreshToken } from './refresh-tokens';
import { SessionService } from './sessions';

const DAY = 86_400_000;

function setup(store: RefreshTokenStore = new MemoryRefreshTokenStore()) {
  let now = new Date('2030-01-01T00:00:00Z');
  const sessions = new SessionService({
    refreshTokens: store,
    accessTokens: new AccessTokenIssuer('test-access-token-secret-0123456789abcdef', 900),
    refreshTokenTtlDays: 30,
    logger: createLogger('user-test', 'silent'),
    now: () => now,
  });
  return { sessions, store, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const unauthenticated = (message: RegExp) => ({ message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } });

describe('SessionService', () => {
  it('stores only the hash of a refresh token, valid for 30 days', async () => {
    const { sessions, store } = setup();
    const userId = newId();
    const session = await sessions.start(userId);
    const record = await store.findByHash(hashRefreshToken(session.refreshToken));
    expect(record).toMatchObject({ userId, usedAt: null, revokedAt: null, expiresAt: session.refreshTokenExpiresAt });
    expect(session.refreshTokenExpiresAt.getTime() - record!.createdAt.getTime()).toBe(30 * DAY);
    expect(await store.findByHash(session.refreshToken)).toBeNull();
  });

  it('rotates within the same family', async () => {
    const { sessions, store } = setup();
    const first = await sessions.start(newId());
    const second = await sessions.rotate(first.refreshToken);
    const [a, b] = await Promise.all([first, second].map((s) => store.findByHash(hashRefreshToken(s.refreshToken))));
    expect(b!.familyId).toBe(a!.familyId);
    expect(a!.usedAt).not.toBeNull();
    expect(second.userId).toBe(first.userId);
  });

  it('refuses an expired refresh token, saying so, without touching the session', async () => {
    const { sessions, advance } = setup();
    const session = await sessions.start(newId());
    advance(30 * DAY);
    await expect(sessions.rotate(session.refreshToken)).rejects.toMatchObject(unauthenticated(/expired/));
    await expect(sessions.rotate(session.refreshToken)).rejects.toMatchObject(unauthenticated(/expired/));
  });

  it('accepts a refresh token just before it expires', async () => {
    const { sessions, advance } = setup();
    const session = await sessions.start(newId());
    advance(30 * DAY - 1);
    await expect(sessions.rotate(session.refreshToken)).resolves.toMatchObject({ userId: session.userId });
  });

  it('revokes the family when a used token comes back, and refuses every token of it', async () => {
    const { sessions, store } = setup();
    const first = await sessions.start(newId());
    const second = await sessions.rotate(first.refreshToken);
    const third = await sessions.rotate(second.refreshToken);
    await expect(sessions.rotate(first.refreshToken)).rejects.toMatchObject(unauthenticated(/already used/));
    expect((await store.findByHash(hashRefreshToken(third.refreshToken)))!.revokedAt).not.toBeNull();
    await expect(sessions.rotate(third.refreshToken)).rejects.toMatchObject(unauthenticated(/not valid/));
  });

  it('refuses the successor when a concurrent reuse revoked the family while it was being issued', async () => {
    // The race: request A claims the token; request B presents it too, finds it used and revokes the
    // family; only then does A insert the successor. Simulated by revoking inside insert.
    const inner = new MemoryRefreshTokenStore();
    let raceFamily: string | null = null;
    const racing: RefreshTokenStore = {
      markUsed: (h, now) => inner.markUsed(h, now),
      findByHash: (h) => inner.findByHash(h),
      revokeFamily: (f, now) => inner.revokeFamily(f, now),
      isFamilyRevoked: (f) => inner.isFamilyRevoked(f),
      insert: async (token) => {
        if (raceFamily === token.familyId) await inner.revokeFamily(token.familyId, new Date());
        return inner.insert(token);
      },
    };
    const { sessions } = setup(racing);
    const first = await sessions.start(newId());
    raceFamily = (await inner.findByHash(hashRefreshToken(first.refreshToken)))!.familyId;
    await expect(sessions.rotate(first.refreshToken)).rejects.toMatchObject(unauthenticated(/already used/));
    // Whatever successor was inserted is revoked too.
    const family = raceFamily;
    expect(await inner.revokeFamily(family, new Date())).toBe(0);
  });

  it('refuses the successor when a non-atomic bulk revoke had recorded the family but not yet marked the token', async () => {
    // FerretDB v1 applies updateMany row by row: a racing reuse may have written the family row and
    // not yet reached the presented token when our successor is inserted. The family row decides.
    const inner = new MemoryRefreshTokenStore();
    const halfRevoked = new Set<string>();
    let raceFamily: string | null = null;
    const racing: RefreshTokenStore = {
      markUsed: (h, now) => inner.markUsed(h, now),
      findByHash: (h) => inner.findByHash(h),
      revokeFamily: (f, now) => inner.revokeFamily(f, now),
      isFamilyRevoked: async (f) => halfRevoked.has(f) || inner.isFamilyRevoked(f),
      insert: async (token) => {
        if (raceFamily === token.familyId) halfRevoked.add(token.familyId); // the family row only
        return inner.insert(token);
      },
    };
    const { sessions } = setup(racing);
    const first = await sessions.start(newId());
    raceFamily = (await inner.findByHash(hashRefreshToken(first.refreshToken)))!.familyId;
    await expect(sessions.rotate(first.refreshToken)).rejects.toMatchObject(unauthenticated(/already used/));
    expect(await inner.revokeFamily(raceFamily, new Date())).toBe(0); // the successor was revoked as well
  });

  it('ends a session on logout, idempotently, and ignores unknown tokens', async () => {
    const { sessions } = setup();
    const first = await sessions.start(newId());
    const second = await sessions.rotate(first.refreshToken);
    await sessions.end(first.refreshToken);
    await sessions.end(first.refreshToken);
    await sessions.end('unknown');
    await expect(sessions.rotate(second.refreshToken)).rejects.toMatchObject(unauthenticated(/not valid/));
  });
});
