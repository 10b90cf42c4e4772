import { z } from 'zod';
import { GraphQLError } from 'graphql';
import {
  AccessTokens,
  InternalSigner,
  InternalVerifier,
  VerifiedTokens,
  baseEnvSchema,
  decodeCursor,
  encodeCursor,
  forwardConnection,
  graphemeLength,
  newId,
  idTime,
  pageSize,
  parseEnv,
} from '../src';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as GraphQLError).extensions?.['code'];
  }
  return undefined;
};
const asyncCodeOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: GraphQLError) => err.extensions?.['code'],
  );

describe('graphemeLength counts what a person sees', () => {
  it.each([
    ['hello', 5],
    ['café', 4],
    ['cafe\u0301', 4], // e + combining acute accent
    ['👍🏽', 1], // emoji with skin tone modifier
    ['👨‍👩‍👧‍👦', 1], // family: four emoji joined with ZWJ
    ['🇯🇵', 1], // flag: two regional indicators
    ['微博', 2],
  ])('%s has %i characters', (text, n) => {
    expect(graphemeLength(text)).toBe(n);
  });
});

describe('cursors and page sizes', () => {
  const schema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

  it('round-trips a cursor', () => {
    const id = newId();
    expect(decodeCursor(encodeCursor({ id }), schema)).toEqual({ id });
  });

  it('rejects malformed and foreign cursors with BAD_USER_INPUT', () => {
    expect(codeOf(() => decodeCursor('%%%not-base64', schema))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(Buffer.from('not json').toString('base64url'), schema))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(encodeCursor({ at: 1 }), schema))).toBe('BAD_USER_INPUT');
  });

  it('bounds page sizes to 1..100 with a default of 20', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(codeOf(() => pageSize(0))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => pageSize(101))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => pageSize(2.5))).toBe('BAD_USER_INPUT');
  });

  it('builds a connection from one extra row', () => {
    const c = forwardConnection(
      [1, 2, 3],
      2,
      (n) => `c${n}`,
      (n) => n * 10,
    );
    expect(c.edges).toEqual([
      { cursor: 'c1', node: 10 },
      { cursor: 'c2', node: 20 },
    ]);
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
    expect(forwardConnection([1], 2, String, Number).pageInfo.hasNextPage).toBe(false);
  });
});

describe('ids', () => {
  it('are 24-hex, unique and time-ordered', () => {
    const a = newId();
    const b = newId();
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    expect(b > a).toBe(true);
    expect(Math.abs(idTime(a).getTime() - Date.now())).toBeLessThan(2_000);
  });
});

describe('internal request signatures', () => {
  const secret = 'x'.repeat(40);

  it('carry the caller and the viewer', async () => {
    const token = await new InternalSigner(secret, 'gateway').sign('aaaaaaaaaaaaaaaaaaaaaaaa');
    await expect(new InternalVerifier(secret).verify(token)).resolves.toEqual({ caller: 'gateway', viewerId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    const anonymous = await new InternalSigner(secret, 'feed').sign(null);
    await expect(new InternalVerifier(secret).verify(anonymous)).resolves.toEqual({ caller: 'feed', viewerId: null });
  });

  it('refuse a missing header, another secret, and a tampered token', async () => {
    const verifier = new InternalVerifier(secret);
    expect(await asyncCodeOf(verifier.verify(undefined))).toBe('UNAUTHENTICATED');
    const forged = await new InternalSigner('y'.repeat(40), 'gateway').sign('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(await asyncCodeOf(verifier.verify(forged))).toBe('UNAUTHENTICATED');
    const good = await new InternalSigner(secret, 'gateway').sign(null);
    expect(await asyncCodeOf(verifier.verify(good.slice(0, -2) + (good.endsWith('A') ? 'BB' : 'AA')))).toBe('UNAUTHENTICATED');
  });
});

describe('verified tokens', () => {
  it('remember what a token said until it expires, and forget the oldest when full', () => {
    let now = 1_000;
    const verified = new VerifiedTokens<string>(2, () => now);
    verified.set('t1', 'alice', 2_000);
    verified.set('t2', 'bob', 5_000);
    expect([verified.get('t1'), verified.get('t2'), verified.get('t3')]).toEqual(['alice', 'bob', undefined]);
    now = 2_000; // t1 expires at its exp, exactly as verifying it again would refuse it
    expect(verified.get('t1')).toBeUndefined();
    verified.set('t3', 'carol', 5_000);
    verified.set('t4', 'dave', 5_000); // full: t2, the oldest, goes
    expect([verified.get('t2'), verified.get('t3'), verified.get('t4'), verified.size]).toEqual([undefined, 'carol', 'dave', 2]);
  });

  it('let an internal verifier answer a token again without weakening it: a changed token is checked anew', async () => {
    const verifier = new InternalVerifier('x'.repeat(40));
    const token = await new InternalSigner('x'.repeat(40), 'gateway').sign('aaaaaaaaaaaaaaaaaaaaaaaa');
    for (let i = 0; i < 3; i++)
      await expect(verifier.verify(token)).resolves.toEqual({ caller: 'gateway', viewerId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(await asyncCodeOf(verifier.verify(token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA')))).toBe('UNAUTHENTICATED');
    await expect(verifier.verify(token)).resolves.toMatchObject({ viewerId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
  });
});

describe('access tokens', () => {
  const tokens = new AccessTokens('s'.repeat(40));

  it('verify what they signed, with a 15-minute default life', async () => {
    const { token, expiresAt } = await tokens.sign('bbbbbbbbbbbbbbbbbbbbbbbb');
    expect(Math.round((expiresAt.getTime() - Date.now()) / 60_000)).toBe(15);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
  });

  it('say "expired" for an expired token and refuse one signed with another secret', async () => {
    const { token } = await tokens.sign('bbbbbbbbbbbbbbbbbbbbbbbb', -5);
    await expect(tokens.verify(token)).rejects.toThrow(/expired/);
    const other = await new AccessTokens('o'.repeat(40)).sign('bbbbbbbbbbbbbbbbbbbbbbbb');
    expect(await asyncCodeOf(tokens.verify(other.token))).toBe('UNAUTHENTICATED');
  });
});

describe('configuration', () => {
  it('uses development secrets only outside production', () => {
    expect(parseEnv(baseEnvSchema, {}, 'test').INTERNAL_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(() => parseEnv(baseEnvSchema, { NODE_ENV: 'production' }, 'svc')).toThrow(/INTERNAL_AUTH_SECRET: is required in production/);
    expect(() => parseEnv(baseEnvSchema, { INTERNAL_AUTH_SECRET: 'short' }, 'svc')).toThrow(/at least 32/);
  });

  it('lists every problem at once', () => {
    expect(() => parseEnv(baseEnvSchema, { LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: 'soon' }, 'svc')).toThrow(
      /LOG_LEVEL[\s\S]*SHUTDOWN_TIMEOUT_MS/,
    );
  });
});
