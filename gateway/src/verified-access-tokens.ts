import { VerifiedTokens, type AccessTokens } from '@social/kit';

/** Access tokens remembered as verified; past this the oldest entries go first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies each distinct access token once and remembers whom it names until it expires, so a client
 * sending the same bearer token on every request costs one HMAC check per token, not per request. A
 * token that fails verification is never remembered (each attempt is checked and refused again), and a
 * remembered one is refused from the moment it expires, exactly as verifying it again would.
 */
export class VerifiedAccessTokens {
  private readonly verified: VerifiedTokens<string>;

  constructor(
    private readonly tokens: AccessTokens,
    opts: { maxEntries?: number; now?: () => number } = {},
  ) {
    this.verified = new VerifiedTokens(opts.maxEntries ?? VERIFIED_TOKEN_CACHE_SIZE, opts.now);
  }

  async verify(token: string): Promise<{ userId: string }> {
    const known = this.verified.get(token);
    if (known) return { userId: known };
    const { userId, expiresAt } = await this.tokens.verify(token); // throws UNAUTHENTICATED (expired or invalid)
    this.verified.set(token, userId, expiresAt.getTime());
    return { userId };
  }
}
