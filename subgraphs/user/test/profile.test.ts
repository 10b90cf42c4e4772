import { newId } from '@social/kit';
import { errorOf, register, startTestService, uniqueHandle, type TestService } from './helpers';

const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id handle displayName bio createdAt } }';
const USER = 'query($id: ID!) { user(id: $id) { id handle displayName bio } }';
const BY_HANDLE = 'query($handle: String!) { userByHandle(handle: $handle) { id handle } }';

describe('profiles over HTTP (memory stores)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('updates the display name and bio of the signed-in person, trimmed, leaving omitted fields alone', async () => {
    const { user } = await register(t);
    const both = await t.gql(
      UPDATE,
      { input: { displayName: '  Grace Hopper ', bio: '  Admiral.\r\nCompilers.  ' } },
      { viewerId: user.id },
    );
    expect(both.data).toEqual({ updateProfile: { ...user, displayName: 'Grace Hopper', bio: 'Admiral.\nCompilers.' } });

    const bioOnly = await t.gql(UPDATE, { input: { bio: '' } }, { viewerId: user.id });
    expect(bioOnly.data).toEqual({ updateProfile: { ...user, displayName: 'Grace Hopper', bio: '' } });
    expect((await t.gql(USER, { id: user.id })).data).toEqual({
      user: { id: user.id, handle: user.handle, displayName: 'Grace Hopper', bio: '' },
    });
  });

  it('counts characters as a person does: 160 emoji fit in a bio, 161 do not', async () => {
    const { user } = await register(t);
    const emoji = '\u{1F44D}\u{1F3FD}'; // thumbs up with a skin tone: one character, four UTF-16 units
    expect((await t.gql(UPDATE, { input: { bio: emoji.repeat(160) } }, { viewerId: user.id })).errors).toBeUndefined();
    expect(errorOf(await t.gql(UPDATE, { input: { bio: emoji.repeat(161) } }, { viewerId: user.id }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'bio',
    });
  });

  it.each([
    ['an empty display name', { displayName: ' ' }, 'displayName'],
    ['a 51-character display name', { displayName: 'x'.repeat(51) }, 'displayName'],
    ['a bio with control characters', { bio: 'bell\u0007' }, 'bio'],
    ['no change at all', {}, 'input'],
  ])('refuses %s with BAD_USER_INPUT', async (_what, input, field) => {
    const { user } = await register(t);
    expect(errorOf(await t.gql(UPDATE, { input }, { viewerId: user.id }))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses updateProfile when signed out', async () => {
    expect(errorOf(await t.gql(UPDATE, { input: { bio: 'hi' } })).code).toBe('UNAUTHENTICATED');
  });

  it('finds users by id, and answers null for unknown or malformed ids', async () => {
    const { user } = await register(t);
    expect((await t.gql(USER, { id: user.id })).data).toEqual({
      user: { id: user.id, handle: user.handle, displayName: user.displayName, bio: '' },
    });
    expect((await t.gql(USER, { id: newId() })).data).toEqual({ user: null });
    expect((await t.gql(USER, { id: 'nope' })).data).toEqual({ user: null });
  });

  it('finds users by handle in any letter case', async () => {
    const { user } = await register(t, { handle: uniqueHandle('Camel') });
    for (const handle of [user.handle, user.handle.toUpperCase(), ` ${user.handle.toLowerCase()} `]) {
      expect((await t.gql(BY_HANDLE, { handle })).data).toEqual({ userByHandle: { id: user.id, handle: user.handle } });
    }
    expect((await t.gql(BY_HANDLE, { handle: uniqueHandle() })).data).toEqual({ userByHandle: null });
  });
});
