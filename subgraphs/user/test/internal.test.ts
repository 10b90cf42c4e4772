import { InternalSigner, newId } from '@social/kit';
import { MemoryRefreshTokenStore } from '../src/stores/memory-refresh-token-store';
import { MemoryUserStore } from '../src/stores/memory-user-store';
import { errorOf, register, startTestService, type TestService } from './helpers';

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id handle displayName createdAt } } }';
const EXISTING = 'query($ids: [ID!]!) { _existingUserIds(ids: $ids) }';

describe('internal access and federation entry points', () => {
  const users = new MemoryUserStore();
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({}, { stores: { users, refreshTokens: new MemoryRefreshTokenStore() } });
  });
  afterAll(() => t.stop());

  const forged = () => new InternalSigner('another-secret-that-is-long-enough-0123456789', 'gateway').sign(null);

  it.each([
    ['a normal query', '{ me { id } }'],
    ['_entities', '{ _entities(representations: [{ __typename: "User", id: "000000000000000000000000" }]) { __typename } }'],
    ['_service', '{ _service { sdl } }'],
  ])('refuses %s without a signature or with a forged one', async (_what, query) => {
    for (const header of [null, await forged(), 'not-a-jwt']) {
      const res = await t.gql(query, {}, { header });
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    }
  });

  it('serves its SDL to a signed caller', async () => {
    const res = await t.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.data!._service.sdl).toContain('type User @key(fields: "id")');
  });

  it('resolves several User entities with one store call, in order, null for unknown ids', async () => {
    const a = (await register(t)).user;
    const b = (await register(t)).user;
    const findByIds = jest.spyOn(users, 'findByIds');
    const unknown = newId();
    const res = await t.gql(ENTITIES, {
      r: [a, b, { id: unknown }, a].map((u) => ({ __typename: 'User', id: u.id })),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      _entities: [
        { id: a.id, handle: a.handle, displayName: a.displayName, createdAt: a.createdAt },
        { id: b.id, handle: b.handle, displayName: b.displayName, createdAt: b.createdAt },
        null,
        { id: a.id, handle: a.handle, displayName: a.displayName, createdAt: a.createdAt },
      ],
    });
    expect(findByIds).toHaveBeenCalledTimes(1);
    expect([...findByIds.mock.calls[0]![0]].sort()).toEqual([a.id, b.id, unknown].sort());
    findByIds.mockRestore();
  });

  it('tells the social graph which ids exist, in the order asked, without repeats', async () => {
    const a = (await register(t)).user;
    const b = (await register(t)).user;
    const res = await t.gql(EXISTING, { ids: [b.id, newId(), a.id, 'junk', b.id] }, { viewerId: a.id });
    expect(res.data).toEqual({ _existingUserIds: [b.id, a.id] });
  });

  it('refuses to check more than 100 ids at once', async () => {
    const ids = Array.from({ length: 101 }, () => newId());
    expect(errorOf(await t.gql(EXISTING, { ids }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    expect((await t.gql(EXISTING, { ids: ids.slice(0, 100) })).data).toEqual({ _existingUserIds: [] });
  });
});
