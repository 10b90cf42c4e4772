import { isId } from '@social/kit';
import type { EventBus } from '@social/events';
import {
  AUTH_FIELDS,
  LOGIN,
  LOGOUT,
  PASSWORD,
  REFRESH,
  REGISTER,
  errorOf,
  register,
  startTestService,
  uniqueHandle,
  type AuthPayload,
  type TestService,
} from './helpers';

const ME = '{ me { id handle displayName bio createdAt } }';

describe('sign-in over HTTP (memory stores)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('registers, logs in by handle or email in any case, and answers me for the token holder', async () => {
    const handle = uniqueHandle('Ada');
    const registered = await register(t, { handle, email: `  ${handle.toUpperCase()}@Example.com `, displayName: ' Ada Lovelace ' });
    expect(isId(registered.user.id)).toBe(true);
    expect(registered.user).toMatchObject({ handle, displayName: 'Ada Lovelace', bio: '' });
    expect(new Date(registered.user.createdAt).toISOString()).toBe(registered.user.createdAt);
    expect(await t.viewerOf(registered.accessToken)).toBe(registered.user.id);
    const accessLife = Date.parse(registered.accessTokenExpiresAt) - Date.now();
    expect(accessLife).toBeGreaterThan(890_000);
    expect(accessLife).toBeLessThanOrEqual(900_000);
    const refreshLife = Date.parse(registered.refreshTokenExpiresAt) - Date.now();
    expect(Math.round(refreshLife / 86_400_000)).toBe(30);
    expect(registered.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    for (const handleOrEmail of [handle.toLowerCase(), `${handle.toLowerCase()}@EXAMPLE.com`]) {
      const login = await t.gql<{ login: AuthPayload }>(LOGIN, { input: { handleOrEmail, password: PASSWORD } });
      expect(login.errors).toBeUndefined();
      expect(login.data!.login.user).toEqual(registered.user);
      expect(login.data!.login.refreshToken).not.toBe(registered.refreshToken);

      const me = await t.gql(ME, {}, { viewerId: await t.viewerOf(login.data!.login.accessToken) });
      expect(me.data).toEqual({ me: registered.user });
    }
  });

  it('answers me with null when signed out', async () => {
    expect(await t.gql(ME)).toMatchObject({ data: { me: null } });
  });

  it('uses the handle as display name when none is given', async () => {
    const handle = uniqueHandle();
    const res = await t.gql<{ register: AuthPayload }>(REGISTER, { input: { handle, email: `${handle}@example.com`, password: PASSWORD } });
    expect(res.data!.register.user.displayName).toBe(handle);
  });

  it('gives the same UNAUTHENTICATED answer for a wrong password and for an unknown account', async () => {
    const { user } = await register(t);
    const wrong = errorOf(await t.gql(LOGIN, { input: { handleOrEmail: user.handle, password: 'not the password' } }));
    const unknown = errorOf(await t.gql(LOGIN, { input: { handleOrEmail: uniqueHandle(), password: PASSWORD } }));
    const unknownEmail = errorOf(await t.gql(LOGIN, { input: { handleOrEmail: 'nobody@example.com', password: PASSWORD } }));
    expect(wrong.code).toBe('UNAUTHENTICATED');
    expect(unknown).toEqual(wrong);
    expect(unknownEmail).toEqual(wrong);
  });

  it('asks for the missing field when a login field is empty', async () => {
    expect(errorOf(await t.gql(LOGIN, { input: { handleOrEmail: '  ', password: PASSWORD } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'handleOrEmail',
    });
    expect(errorOf(await t.gql(LOGIN, { input: { handleOrEmail: 'someone', password: '' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
  });

  it('rotates refresh tokens; reusing an old one ends the whole session, the newest token included', async () => {
    const first = await register(t);
    const rotated = await t.gql<{ refreshToken: AuthPayload }>(REFRESH, { t: first.refreshToken });
    expect(rotated.errors).toBeUndefined();
    const second = rotated.data!.refreshToken;
    expect(second.user).toEqual(first.user);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await t.viewerOf(second.accessToken)).toBe(first.user.id);

    // The old token again: treated as theft.
    expect(errorOf(await t.gql(REFRESH, { t: first.refreshToken })).code).toBe('UNAUTHENTICATED');
    // ...and the legitimate newest token is dead too.
    expect(errorOf(await t.gql(REFRESH, { t: second.refreshToken })).code).toBe('UNAUTHENTICATED');
  });

  it('keeps other sessions of the same person alive when one is revoked', async () => {
    const registered = await register(t);
    const login = (await t.gql<{ login: AuthPayload }>(LOGIN, { input: { handleOrEmail: registered.user.handle, password: PASSWORD } }))
      .data!.login;
    await t.gql(REFRESH, { t: registered.refreshToken });
    await t.gql(REFRESH, { t: registered.refreshToken }); // reuse: ends the first session only
    expect((await t.gql(REFRESH, { t: login.refreshToken })).errors).toBeUndefined();
  });

  it('logs out: the refresh token stops working, and logging out again still answers true', async () => {
    const { refreshToken } = await register(t);
    expect(await t.gql(LOGOUT, { t: refreshToken })).toMatchObject({ data: { logout: true } });
    expect(errorOf(await t.gql(REFRESH, { t: refreshToken })).code).toBe('UNAUTHENTICATED');
    expect(await t.gql(LOGOUT, { t: refreshToken })).toMatchObject({ data: { logout: true } });
    expect(await t.gql(LOGOUT, { t: 'garbage' })).toMatchObject({ data: { logout: true } });
  });

  it('logging out ends the session for tokens rotated from it as well', async () => {
    const first = await register(t);
    const second = (await t.gql<{ refreshToken: AuthPayload }>(REFRESH, { t: first.refreshToken })).data!.refreshToken;
    await t.gql(LOGOUT, { t: first.refreshToken });
    expect(errorOf(await t.gql(REFRESH, { t: second.refreshToken })).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a garbage refresh token with UNAUTHENTICATED', async () => {
    for (const token of ['garbage', '', 'x'.repeat(5000), 'A'.repeat(43)]) {
      expect(errorOf(await t.gql(REFRESH, { t: token })).code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets exactly one of two concurrent registrations of one handle through; the other gets CONFLICT', async () => {
    const handle = uniqueHandle();
    const results = await Promise.all(
      [handle, handle.toUpperCase()].map((h, i) =>
        t.gql(REGISTER, { input: { handle: h, email: `${handle}-${i}@example.com`, password: PASSWORD } }),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(errorOf(results.find((r) => r.errors)!)).toMatchObject({ code: 'CONFLICT', field: 'handle' });
  });

  it('publishes user.registered after a registration', async () => {
    const publish = jest.spyOn(t.bus!, 'publish');
    const { user } = await register(t);
    expect(publish).toHaveBeenCalledWith('user.registered', { userId: user.id, handle: user.handle });
    publish.mockRestore();
  });
});

describe('registration when the event bus fails', () => {
  it('still succeeds (the event is logged as lost until the outbox exists)', async () => {
    const failingBus: EventBus = {
      publish: async () => {
        throw new Error('nats down');
      },
      consume: async () => ({ stop: async () => {} }),
      ping: async () => {},
      close: async () => {},
    };
    const t = await startTestService({}, { bus: failingBus });
    try {
      const handle = uniqueHandle();
      const res = await t.gql(`mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`, {
        input: { handle, email: `${handle}@example.com`, password: PASSWORD },
      });
      expect(res.errors).toBeUndefined();
      const login = await t.gql(LOGIN, { input: { handleOrEmail: handle, password: PASSWORD } });
      expect(login.errors).toBeUndefined();
    } finally {
      await t.stop();
    }
  });
});
