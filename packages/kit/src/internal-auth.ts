import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthenticated } from './errors';
import { hmacKey, VerifiedTokens } from './hmac-tokens';

/**
 * Requests between our own processes (gateway to subgraph, subgraph to subgraph) carry this header:
 * a short-lived HS256 token signed with the per-deployment INTERNAL_AUTH_SECRET. It says who the
 * caller is and, when a person is signed in, who that person is. A subgraph trusts nothing else: a
 * request without a valid signature is refused before any resolver runs, `_entities` and `_service`
 * included, so reaching a subgraph's port directly gives nothing.
 */
export const INTERNAL_AUTH_HEADER = 'x-internal-auth';
export const INTERNAL_TOKEN_TTL_SECONDS = 60; // covers one request's subgraph fan-out with clock skew to spare
const AUDIENCE = 'social-internal';

export interface InternalIdentity {
  /** The calling process, e.g. "gateway" or "feed". */
  caller: string;
  /** The signed-in person the call is made for, if any. */
  viewerId: string | null;
}

export class InternalSigner {
  private readonly key: ReturnType<typeof hmacKey>;
  constructor(
    secret: string,
    private readonly caller: string,
  ) {
    this.key = hmacKey(secret);
  }

  async sign(viewerId: string | null): Promise<string> {
    const jwt = new SignJWT(viewerId ? { vid: viewerId } : {})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.caller)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`);
    return jwt.sign(await this.key());
  }
}

export class InternalVerifier {
  private readonly key: ReturnType<typeof hmacKey>;
  private readonly verified = new VerifiedTokens<InternalIdentity>();
  constructor(secret: string) {
    this.key = hmacKey(secret);
  }

  async verify(header: string | undefined | null): Promise<InternalIdentity> {
    if (!header) throw unauthenticated('This service only answers requests signed by the gateway.');
    const known = this.verified.get(header);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(header, await this.key(), { audience: AUDIENCE, algorithms: ['HS256'] });
      const vid = payload['vid'];
      const identity = { caller: payload.iss ?? 'unknown', viewerId: typeof vid === 'string' ? vid : null };
      if (payload.exp) this.verified.set(header, identity, payload.exp * 1000);
      return identity;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) {
        throw unauthenticated('The internal request signature is invalid or expired.');
      }
      throw err;
    }
  }
}
