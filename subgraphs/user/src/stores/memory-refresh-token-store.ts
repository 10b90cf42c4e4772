import type { NewRefreshToken, RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store';

/**
 * The embedded default and the unit-test double. markUsed checks and writes before any await, so it
 * is as atomic as the real store's claim. Records are copied in and out.
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly byHash = new Map<string, RefreshTokenRecord>();
  private readonly hashesByFamily = new Map<string, string[]>();
  private readonly revokedFamilies = new Set<string>();

  async insert(token: NewRefreshToken): Promise<RefreshTokenRecord> {
    if (this.byHash.has(token.tokenHash)) throw new Error('duplicate refresh token hash');
    const record: RefreshTokenRecord = { ...token, usedAt: null, revokedAt: null };
    this.byHash.set(token.tokenHash, record);
    const family = this.hashesByFamily.get(token.familyId);
    if (family) family.push(token.tokenHash);
    else this.hashesByFamily.set(token.familyId, [token.tokenHash]);
    return copy(record);
  }

  async markUsed(tokenHash: string, now: Date): Promise<RefreshTokenRecord | null> {
    const record = this.byHash.get(tokenHash);
    if (!record || record.usedAt || record.revokedAt || record.expiresAt <= now) return null;
    record.usedAt = now;
    return copy(record);
  }

  async revokeFamily(familyId: string, now: Date): Promise<number> {
    this.revokedFamilies.add(familyId);
    let revoked = 0;
    for (const hash of this.hashesByFamily.get(familyId) ?? []) {
      const record = this.byHash.get(hash);
      if (record && !record.revokedAt) {
        record.revokedAt = now;
        revoked++;
      }
    }
    return revoked;
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    return this.revokedFamilies.has(familyId);
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const record = this.byHash.get(tokenHash);
    return record ? copy(record) : null;
  }
}

function copy(r: RefreshTokenRecord): RefreshTokenRecord {
  return {
    ...r,
    expiresAt: new Date(r.expiresAt),
    createdAt: new Date(r.createdAt),
    usedAt: r.usedAt && new Date(r.usedAt),
    revokedAt: r.revokedAt && new Date(r.revokedAt),
  };
}
