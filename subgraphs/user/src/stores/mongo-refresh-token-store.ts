import { Schema, type Connection, type Model } from 'mongoose';
import { duplicateKeyIndex } from './mongo';
import type { NewRefreshToken, RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store';

const refreshTokenSchema = new Schema<RefreshTokenRecord>(
  {
    tokenHash: { type: String, required: true },
    userId: { type: String, required: true },
    familyId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'refresh_tokens', versionKey: false },
);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });
refreshTokenSchema.index({ familyId: 1 }); // revokeFamily
refreshTokenSchema.index({ userId: 1 }); // "sign out everywhere" and account deletion, later
// No TTL index on expiresAt: FerretDB v1 has none. Expired rows are harmless (every check compares
// expiresAt); a periodic clean-up can delete them later.

/**
 * One row per token ever exchanged, keyed by its hash. Inserting it is the atomic claim: FerretDB v1
 * does NOT apply conditional updates atomically (measured: two concurrent
 * `findOneAndUpdate({ tokenHash, usedAt: null }, ...)` both matched in most trials), but `_id`
 * uniqueness holds on both FerretDB and MongoDB, so exactly one of two concurrent refreshes wins.
 */
interface TokenUseDoc {
  _id: string;
  usedAt: Date;
}
const tokenUseSchema = new Schema<TokenUseDoc>(
  { _id: { type: String, required: true }, usedAt: { type: Date, required: true } },
  { collection: 'refresh_token_uses', versionKey: false },
);

/**
 * One row per revoked family, keyed by familyId. Written BEFORE the family's tokens are marked: a bulk
 * update is not atomic on FerretDB v1, so a successor token inserted while it runs could be missed;
 * the session service checks this row after every rotation, which closes that gap.
 */
interface RevokedFamilyDoc {
  _id: string;
  revokedAt: Date;
}
const revokedFamilySchema = new Schema<RevokedFamilyDoc>(
  { _id: { type: String, required: true }, revokedAt: { type: Date, required: true } },
  { collection: 'refresh_token_revoked_families', versionKey: false },
);

export class MongoRefreshTokenStore implements RefreshTokenStore {
  private constructor(
    private readonly tokens: Model<RefreshTokenRecord>,
    private readonly uses: Model<TokenUseDoc>,
    private readonly revokedFamilies: Model<RevokedFamilyDoc>,
  ) {}

  static async open(conn: Connection): Promise<MongoRefreshTokenStore> {
    const tokens =
      (conn.models['RefreshToken'] as Model<RefreshTokenRecord> | undefined) ??
      conn.model<RefreshTokenRecord>('RefreshToken', refreshTokenSchema);
    const uses =
      (conn.models['RefreshTokenUse'] as Model<TokenUseDoc> | undefined) ?? conn.model<TokenUseDoc>('RefreshTokenUse', tokenUseSchema);
    const revokedFamilies =
      (conn.models['RefreshTokenRevokedFamily'] as Model<RevokedFamilyDoc> | undefined) ??
      conn.model<RevokedFamilyDoc>('RefreshTokenRevokedFamily', revokedFamilySchema);
    await tokens.createIndexes();
    await uses.createIndexes();
    await revokedFamilies.createIndexes();
    return new MongoRefreshTokenStore(tokens, uses, revokedFamilies);
  }

  async insert(token: NewRefreshToken): Promise<RefreshTokenRecord> {
    const record: RefreshTokenRecord = { ...token, usedAt: null, revokedAt: null };
    await this.tokens.create(record);
    return record;
  }

  async markUsed(tokenHash: string, now: Date): Promise<RefreshTokenRecord | null> {
    // The read only spares a write for tokens that cannot be exchanged; the guard is the claim below.
    const record = await this.findByHash(tokenHash);
    if (!record || record.usedAt || record.revokedAt || record.expiresAt <= now) return null;
    try {
      await this.uses.create({ _id: tokenHash, usedAt: now });
    } catch (err) {
      if (duplicateKeyIndex(err) === null) throw err;
      // Lost the race. Make sure the token reads as used before the caller looks at it, even if the
      // winner has not written usedAt yet, so the caller sees a reuse and revokes the family.
      const claim = await this.uses.findById(tokenHash).lean<TokenUseDoc>();
      if (claim) await this.tokens.updateOne({ tokenHash, usedAt: null }, { $set: { usedAt: claim.usedAt } });
      return null;
    }
    await this.tokens.updateOne({ tokenHash }, { $set: { usedAt: now } });
    return { ...record, usedAt: now };
  }

  async revokeFamily(familyId: string, now: Date): Promise<number> {
    // Upsert by _id: revoking twice (two reuses, a reuse then a logout) is fine.
    await this.revokedFamilies
      .updateOne({ _id: familyId }, { $setOnInsert: { revokedAt: now } }, { upsert: true })
      .catch((err: { code?: number }) => {
        if (err.code !== 11000) throw err; // a concurrent revocation inserted it first
      });
    const result = await this.tokens.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
    return result.modifiedCount;
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    return (await this.revokedFamilies.exists({ _id: familyId })) !== null;
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const doc = await this.tokens.findOne({ tokenHash }).lean<RefreshTokenRecord>();
    return doc ? toRecord(doc) : null;
  }
}

function toRecord(doc: RefreshTokenRecord): RefreshTokenRecord {
  return {
    tokenHash: doc.tokenHash,
    userId: doc.userId,
    familyId: doc.familyId,
    expiresAt: doc.expiresAt,
    usedAt: doc.usedAt ?? null,
    revokedAt: doc.revokedAt ?? null,
    createdAt: doc.createdAt,
  };
}
