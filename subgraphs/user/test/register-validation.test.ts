import { LOGIN, PASSWORD, REGISTER, errorOf, register, startTestService, uniqueHandle, type TestService } from './helpers';

describe('register refuses bad input with a stable code and the field', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const attempt = (input: Record<string, unknown>) => {
    const handle = uniqueHandle();
    return t.gql(REGISTER, { input: { handle, email: `${handle}@example.com`, password: PASSWORD, ...input } });
  };

  it.each([
    ['a handle that is too short', { handle: 'ab' }, 'handle'],
    ['a handle that is too long', { handle: 'a'.repeat(16) }, 'handle'],
    ['a handle with a hyphen', { handle: 'bad-handle' }, 'handle'],
    ['a handle with a space inside', { handle: 'bad handle' }, 'handle'],
    ['a handle with non-ASCII letters', { handle: 'jos\u00e9' }, 'handle'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['an email without a domain', { email: 'someone@' }, 'email'],
    ['a password that is too short', { password: 'seven77' }, 'password'],
    ['a password that is too long', { password: 'p'.repeat(129) }, 'password'],
    ['an empty display name', { displayName: '   ' }, 'displayName'],
    ['a display name that is too long', { displayName: 'n'.repeat(51) }, 'displayName'],
    ['a display name with a line break', { displayName: 'two\nlines' }, 'displayName'],
  ])('refuses %s', async (_what, input, field) => {
    expect(errorOf(await attempt(input))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('accepts the limits: 3 and 15 character handles, 8 and 128 character passwords, 50-character names', async () => {
    for (const input of [
      { handle: `a${uniqueHandle().slice(-2)}` },
      { handle: `A_${uniqueHandle().slice(-8)}12345`.slice(0, 15) },
      { password: '12345678' },
      { password: '\u{1F511}'.repeat(128) }, // counted in code points, as NIST asks
      { displayName: '\u{1F469}\u{200D}\u{1F4BB}'.repeat(50) }, // 50 graphemes, 250 UTF-16 units
    ]) {
      expect((await attempt(input)).errors).toBeUndefined();
    }
  });

  it('refuses a handle taken in another letter case with CONFLICT, and writes nothing', async () => {
    const { user } = await register(t, { handle: uniqueHandle('Taken') });
    const email = `${uniqueHandle()}@example.com`;
    const res = await t.gql(REGISTER, { input: { handle: user.handle.toLowerCase(), email, password: PASSWORD } });
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'handle' });
    // The refused registration left no account behind for its email.
    expect(errorOf(await t.gql(LOGIN, { input: { handleOrEmail: email, password: PASSWORD } })).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an email already registered, in any letter case, with CONFLICT', async () => {
    const handle = uniqueHandle();
    await register(t, { handle, email: `${handle}@example.com` });
    const res = await attempt({ email: `${handle.toUpperCase()}@EXAMPLE.COM` });
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });
});
