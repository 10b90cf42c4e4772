import { INTERNAL_TOKEN_TTL_SECONDS, type InternalSigner } from '@social/kit';

/** A signed token is reused this long: it stays valid for 10 s more, longer than any one request's fan-out. */
export const INTERNAL_TOKEN_REUSE_MS = (INTERNAL_TOKEN_TTL_SECONDS - 10) * 1000;
/** Viewers whose token is kept; past this the oldest entries go first (they are cheap to sign again). */
export const INTERNAL_TOKEN_CACHE_SIZE = 10_000;

/**
 * The gateway's internal tokens, signed once per viewer (and once for anonymous requests) and reused
 * for INTERNAL_TOKEN_REUSE_MS, instead of an HMAC signature per client request. Concurrent requests of
 * a viewer whose token is being signed share that one signature.
 */
export class InternalTokenCache {
  private readonly entries = new Map<string, { token: Promise<string>; until: number }>();

  constructor(
    private readonly signer: InternalSigner,
    private readonly opts: { reuseMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  get(viewerId: string | null): Promise<string> {
    const now = (this.opts.now ?? Date.now)();
    const key = viewerId ?? '';
    const hit = this.entries.get(key);
    if (hit && now < hit.until) return hit.token;
    if (hit) this.entries.delete(key);
    if (this.entries.size >= (this.opts.maxEntries ?? INTERNAL_TOKEN_CACHE_SIZE)) this.entries.delete(this.entries.keys().next().value!);
    const token = this.signer.sign(viewerId);
    const entry = { token, until: now + (this.opts.reuseMs ?? INTERNAL_TOKEN_REUSE_MS) };
    this.entries.set(key, entry);
    token.catch(() => this.entries.get(key) === entry && this.entries.delete(key)); // never cache a failure
    return token;
  }
}
