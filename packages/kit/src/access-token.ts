import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import { unauthenticated } from './errors';
import { hmacKey } from './hmac-tokens';

/**
 * Access tokens: short-lived HS256 JWTs issued by the user subgraph and verified by the gateway. Both
 * sides use this one module so issuer, audience and algorithm can never disagree.
 */
export const ACCESS_TOKEN_ISSUER = 'social-user';
export const ACCESS_TOKEN_AUDIENCE = 'social-api';
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 900; // 15 minutes: a stolen token is useful briefly; refresh is cheap

export class AccessTokens {
  private readonly key: ReturnType<typeof hmacKey>;
  constructor(secret: string) {
    this.key = hmacKey(secret);
  }

  async sign(userId: string, ttlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(await this.key());
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Returns the user id, or throws UNAUTHENTICATED saying whether to refresh (expired) or sign in again. */
  async verify(token: string): Promise<{ userId: string; expiresAt: Date }> {
    try {
      const { payload } = await jwtVerify(token, await this.key(), {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ['HS256'],
      });
      if (!payload.sub || !payload.exp) throw unauthenticated('The access token is invalid. Please sign in again.');
      return { userId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw unauthenticated('The access token has expired. Refresh it and try again.');
      }
      if (err instanceof joseErrors.JOSEError) throw unauthenticated('The access token is invalid. Please sign in again.');
      throw err;
    }
  }
}
