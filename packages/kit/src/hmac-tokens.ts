import { webcrypto } from 'node:crypto';

/**
 * The HS256 key of a secret, imported once. jose imports a raw secret (a Uint8Array) into a CryptoKey
 * on every sign and verify; with a subgraph verifying the internal token of every request, those
 * imports were 4% of a subgraph process's CPU in the timeline-read benchmark.
 */
export function hmacKey(secret: string): () => Promise<webcrypto.CryptoKey> {
  let key: Promise<webcrypto.CryptoKey> | undefined;
  return () =>
    (key ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]));
}

/**
 * Tokens whose signature was checked, with what they said, until they expire: a token is the same
 * bytes every time it is presented, so checking its HMAC again proves nothing new. The gateway reuses
 * one internal token per viewer for its lifetime, so each subgraph verifies it once rather than on
 * every request. Bounded; the oldest entry goes first when full.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): T | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.expiresAtMs <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.value;
  }

  set(token: string, value: T, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { value, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
