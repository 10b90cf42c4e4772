import type { AccessTokens } from '@social/kit';

/** Access tokens remembered as verified; past this the oldest entries go first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies each distinct access token once and remembers whom it names until it expires, so a client
 * sending the same bearer token on every request costs one HMAC check per token, not per request. A
 * token that fails verification is never remembered (each attempt is checked and refused again), and a
 * remembered one is refused from the moment it expires, exactly as verifying it again would.
 */
export class VerifiedAccessTokens {
  private readonly entries = new Map<string, { userId: string; expiresAt: number }>();

  constructor(
    private readonly tokens: AccessTokens,
    private readonly opts: { maxEntries?: number; now?: () => number } = {},
  ) {}

  async verify(token: string): Promise<{ userId: string }> {
    const hit = this.entries.get(token);
    if (hit && (this.opts.now ?? Date.now)() < hit.expiresAt) return { userId: hit.userId };
    if (hit) this.entries.delete(token);
    const { userId, expiresAt } = await this.tokens.verify(token); // throws UNAUTHENTICATED (expired or invalid)
    if (this.entries.size >= (this.opts.maxEntries ?? VERIFIED_TOKEN_CACHE_SIZE)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { userId, expiresAt: expiresAt.getTime() });
    return { userId };
  }
}
