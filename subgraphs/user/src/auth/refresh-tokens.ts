import { createHash, randomBytes } from 'node:crypto';

export const REFRESH_TOKEN_BYTES = 32; // 256 random bits: guessing one is hopeless, so a fast hash suffices to store it
const MAX_REFRESH_TOKEN_LENGTH = 64; // ours are 43 characters; anything far longer is not ours, so do not hash it

/** A new opaque refresh token (base64url) and the SHA-256 under which it is stored. */
export function newRefreshToken(): { token: string; tokenHash: string } {
  const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

/** Only this hash is stored, so a copy of the database cannot be used to sign in. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeRefreshToken(token: string): boolean {
  return token.length > 0 && token.length <= MAX_REFRESH_TOKEN_LENGTH;
}
