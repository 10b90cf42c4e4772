import { AccessTokens } from '@social/kit';

/**
 * Access tokens are HS256 JWTs (iss "social-user", aud "social-api", sub = user id, a jti, 15-minute
 * expiry by default). The signing and checking code lives in the kit's AccessTokens so this issuer
 * and the gateway's verifier can never disagree on issuer, audience or algorithm; this module fixes
 * the lifetime from config and offers the one-call verifier other packages import from '@social/user'.
 */
export class AccessTokenIssuer {
  private readonly tokens: AccessTokens;
  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.tokens = new AccessTokens(secret);
  }

  issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    return this.tokens.sign(userId, this.ttlSeconds);
  }
}

/**
 * Checks signature, issuer, audience and expiry. Throws UNAUTHENTICATED whose message says whether
 * the token expired (refresh and retry) or is invalid (sign in again).
 */
export async function verifyAccessToken(token: string, secret: string): Promise<{ userId: string }> {
  const { userId } = await new AccessTokens(secret).verify(token);
  return { userId };
}
