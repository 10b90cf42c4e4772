/**
 * Refresh tokens, stored only as the SHA-256 of the token (a database leak yields nothing usable).
 * Every token issued from one sign-in shares a familyId, so a detected reuse can end the session
 * everywhere at once.
 */
export interface RefreshTokenRecord {
  tokenHash: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  /** Set once, when the token is exchanged for its successor. */
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export type NewRefreshToken = Pick<RefreshTokenRecord, 'tokenHash' | 'userId' | 'familyId' | 'expiresAt' | 'createdAt'>;

export interface RefreshTokenStore {
  insert(token: NewRefreshToken): Promise<RefreshTokenRecord>;
  /**
   * Atomically marks the token used if it is unused, unrevoked and not expired at `now`, and returns
   * it; null otherwise (unknown, already used, revoked or expired). Of two concurrent calls for one
   * token exactly one gets the record.
   */
  markUsed(tokenHash: string, now: Date): Promise<RefreshTokenRecord | null>;
  /**
   * Revokes the family: first records the family itself as revoked (so a token inserted into it
   * later, e.g. by a refresh racing with the reuse, is dead too), then marks every not yet revoked
   * token; returns how many tokens it marked.
   */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /** Whether the family was revoked, whatever its individual tokens say. */
  isFamilyRevoked(familyId: string): Promise<boolean>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
}
