import { AccessTokens, unauthenticated } from '@social/kit';
import type { GraphQLError } from 'graphql';
import { VerifiedAccessTokens } from '../src/verified-access-tokens';

const SECRET = 'a'.repeat(40);

/** Counts verifications and judges expiry by the test's clock, as jose judges it by the real one. */
class CountingTokens extends AccessTokens {
  verifications = 0;
  constructor(private readonly clock: () => number) {
    super(SECRET);
  }
  override async verify(token: string) {
    this.verifications++;
    const result = await super.verify(token);
    if (this.clock() >= result.expiresAt.getTime()) throw unauthenticated('The access token has expired. Refresh it and try again.');
    return result;
  }
}

function setup(opts: { maxEntries?: number } = {}) {
  let now = Date.now();
  const tokens = new CountingTokens(() => now);
  const verified = new VerifiedAccessTokens(tokens, { now: () => now, ...opts });
  return { tokens, verified, advance: (ms: number) => (now += ms) };
}

describe('VerifiedAccessTokens', () => {
  it('verifies a token once and then answers from memory', async () => {
    const { tokens, verified } = setup();
    const { token } = await tokens.sign('user-1');
    expect(await verified.verify(token)).toEqual({ userId: 'user-1' });
    expect(await verified.verify(token)).toEqual({ userId: 'user-1' });
    expect(tokens.verifications).toBe(1);
  });

  it('refuses a remembered token from the moment it expires (checked again, not answered from memory)', async () => {
    const { tokens, verified, advance } = setup();
    const { token } = await tokens.sign('user-1', 60);
    await verified.verify(token);
    advance(60_000);
    const err = (await verified.verify(token).then(
      () => null,
      (e: unknown) => e,
    )) as GraphQLError | null;
    expect(err?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(err?.message).toMatch(/expired/);
    expect(tokens.verifications).toBe(2);
  });

  it('never remembers a token that failed: a forged one is checked, and refused, every time', async () => {
    const { tokens, verified } = setup();
    const { token: forged } = await new AccessTokens('f'.repeat(40)).sign('user-1');
    await expect(verified.verify(forged)).rejects.toThrow(/invalid/i);
    await expect(verified.verify(forged)).rejects.toThrow(/invalid/i);
    expect(tokens.verifications).toBe(2);
  });

  it('holds at most maxEntries tokens', async () => {
    const { tokens, verified } = setup({ maxEntries: 1 });
    const a = (await tokens.sign('a')).token;
    const b = (await tokens.sign('b')).token;
    await verified.verify(a);
    await verified.verify(b); // drops a
    await verified.verify(a);
    expect(tokens.verifications).toBe(3);
  });
});
