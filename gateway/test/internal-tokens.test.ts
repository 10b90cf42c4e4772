import { InternalSigner, InternalVerifier } from '@social/kit';
import { INTERNAL_TOKEN_REUSE_MS, InternalTokenCache } from '../src/internal-tokens';

const SECRET = 's'.repeat(40);

class CountingSigner extends InternalSigner {
  calls: (string | null)[] = [];
  failNext = false;
  override async sign(viewerId: string | null): Promise<string> {
    this.calls.push(viewerId);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('signing failed');
    }
    return super.sign(viewerId);
  }
}

function setup(opts: { maxEntries?: number } = {}) {
  let now = 1_000_000;
  const signer = new CountingSigner(SECRET, 'gateway');
  const cache = new InternalTokenCache(signer, { now: () => now, ...opts });
  return { signer, cache, advance: (ms: number) => (now += ms) };
}

describe('InternalTokenCache', () => {
  it('signs once per viewer and reuses the token within the reuse window', async () => {
    const { signer, cache, advance } = setup();
    const first = await cache.get('viewer-1');
    advance(INTERNAL_TOKEN_REUSE_MS - 1);
    expect(await cache.get('viewer-1')).toBe(first);
    expect(signer.calls).toEqual(['viewer-1']);
  });

  it('signs again once the window has passed, while the old token would still be valid', async () => {
    const { signer, cache, advance } = setup();
    await cache.get('viewer-1');
    advance(INTERNAL_TOKEN_REUSE_MS);
    await cache.get('viewer-1');
    expect(signer.calls).toEqual(['viewer-1', 'viewer-1']);
    expect(INTERNAL_TOKEN_REUSE_MS).toBeLessThan(60_000); // the token lives 60 s: reuse ends with time to spare
  });

  it('keeps viewers apart, anonymous included, and each token names its viewer', async () => {
    const { cache } = setup();
    const verifier = new InternalVerifier(SECRET);
    const [a, b, anon] = await Promise.all([cache.get('a'), cache.get('b'), cache.get(null)]);
    expect(await verifier.verify(a)).toEqual({ caller: 'gateway', viewerId: 'a' });
    expect(await verifier.verify(b)).toEqual({ caller: 'gateway', viewerId: 'b' });
    expect(await verifier.verify(anon)).toEqual({ caller: 'gateway', viewerId: null });
  });

  it('shares one signature between concurrent requests of the same viewer', async () => {
    const { signer, cache } = setup();
    const tokens = await Promise.all([cache.get('v'), cache.get('v'), cache.get('v')]);
    expect(new Set(tokens).size).toBe(1);
    expect(signer.calls).toEqual(['v']);
  });

  it('does not keep a failed signature', async () => {
    const { signer, cache } = setup();
    signer.failNext = true;
    await expect(cache.get('v')).rejects.toThrow('signing failed');
    await expect(cache.get('v')).resolves.toEqual(expect.any(String));
    expect(signer.calls).toEqual(['v', 'v']);
  });

  it('holds at most maxEntries viewers, dropping the oldest first', async () => {
    const { signer, cache } = setup({ maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('c'); // drops a
    await cache.get('b'); // still there
    await cache.get('a'); // signed again
    expect(signer.calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
