import { newId, unauthenticated, type Logger } from '@social/kit';
import type { RefreshTokenStore } from '../stores/refresh-token-store';
import type { AccessTokenIssuer } from './access-tokens';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-tokens';

export interface Session {
  userId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface SessionServiceDeps {
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokenIssuer;
  refreshTokenTtlDays: number;
  logger: Logger;
  /** Injected so tests can move time instead of waiting. */
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const INVALID = 'This refresh token is not valid. Please sign in again.';
const EXPIRED = 'This refresh token has expired. Please sign in again.';
const REUSED = 'This refresh token was already used, so the session has been ended for safety. Please sign in again.';

/**
 * Sign-in sessions: a family of single-use refresh tokens rotated on every refresh. A token presented
 * a second time means two parties hold it (the person and a thief, in unknown order), so the whole
 * family is revoked, the newest token included, and both must sign in again (OAuth 2.0 Security
 * BCP, refresh token rotation).
 */
export class SessionService {
  private readonly now: () => Date;
  constructor(private readonly deps: SessionServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A new session (a new family) for someone who just proved who they are. */
  start(userId: string): Promise<Session> {
    return this.issue(userId, newId());
  }

  /** Exchanges a refresh token for a new pair; the presented token stops working. */
  async rotate(refreshToken: string): Promise<Session> {
    if (!looksLikeRefreshToken(refreshToken)) throw unauthenticated(INVALID);
    const tokenHash = hashRefreshToken(refreshToken);
    const store = this.deps.refreshTokens;
    const claimed = await store.markUsed(tokenHash, this.now());
    if (!claimed) throw await this.refusal(tokenHash);
    if (await store.isFamilyRevoked(claimed.familyId)) throw unauthenticated(INVALID);

    const session = await this.issue(claimed.userId, claimed.familyId);
    // A reuse detected concurrently may have revoked the family while our successor was being
    // inserted, and a bulk revoke can miss a token inserted mid-way. The family row is written before
    // any token is marked, so seeing it now means: revoke again (covering the successor) and refuse.
    if (await store.isFamilyRevoked(claimed.familyId)) {
      await store.revokeFamily(claimed.familyId, this.now());
      throw unauthenticated(REUSED);
    }
    return session;
  }

  /** Ends the session the token belongs to; unknown or already ended sessions are fine. */
  async end(refreshToken: string): Promise<void> {
    if (!looksLikeRefreshToken(refreshToken)) return;
    const record = await this.deps.refreshTokens.findByHash(hashRefreshToken(refreshToken));
    if (record) await this.deps.refreshTokens.revokeFamily(record.familyId, this.now());
  }

  /** Why markUsed refused the token, revoking the family when the token was already used. */
  private async refusal(tokenHash: string): Promise<Error> {
    const record = await this.deps.refreshTokens.findByHash(tokenHash);
    if (!record) return unauthenticated(INVALID);
    if (record.usedAt) {
      const revoked = await this.deps.refreshTokens.revokeFamily(record.familyId, this.now());
      if (revoked > 0)
        this.deps.logger.warn({ userId: record.userId, familyId: record.familyId }, 'refresh token reused; session family revoked');
      return unauthenticated(REUSED);
    }
    if (record.revokedAt) return unauthenticated(INVALID);
    return unauthenticated(EXPIRED);
  }

  private async issue(userId: string, familyId: string): Promise<Session> {
    const now = this.now();
    const { token: refreshToken, tokenHash } = newRefreshToken();
    const refreshTokenExpiresAt = new Date(now.getTime() + this.deps.refreshTokenTtlDays * DAY_MS);
    await this.deps.refreshTokens.insert({ tokenHash, userId, familyId, createdAt: now, expiresAt: refreshTokenExpiresAt });
    const access = await this.deps.accessTokens.issue(userId);
    return { userId, accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt };
  }
}
