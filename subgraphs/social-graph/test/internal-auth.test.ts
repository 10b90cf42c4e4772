import { InternalSigner, newId } from '@social/kit';
import { errorCode } from '../src/testing/http';
import { startHarness, type Harness } from './harness';

describe('only signed internal requests are answered', () => {
  let h: Harness;
  let forged: string;
  beforeAll(async () => {
    h = await startHarness();
    forged = await new InternalSigner('another-secret-that-is-long-enough-0123456789', 'gateway').sign(newId());
  });
  afterAll(() => h.stop());

  const operations: [string, string, Record<string, unknown>][] = [
    ['a normal query', `query($id: ID!) { _followingIds(userId: $id) }`, { id: newId() }],
    ['a mutation', `mutation($id: ID!) { follow(userId: $id) { changed } }`, { id: newId() }],
    [
      '_entities',
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followerCount } } }`,
      { r: [{ __typename: 'User', id: newId() }] },
    ],
    ['_service', `{ _service { sdl } }`, {}],
  ];

  it.each(operations)('%s without the header is UNAUTHENTICATED', async (_name, query, variables) => {
    const res = await h.gql(query, variables, { header: null });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });

  it.each(operations)('%s with a forged signature is UNAUTHENTICATED', async (_name, query, variables) => {
    const res = await h.gql(query, variables, { header: forged });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });

  it('a garbage header is UNAUTHENTICATED', async () => {
    expect(errorCode(await h.gql(`{ _service { sdl } }`, {}, { header: 'not-a-token' }))).toBe('UNAUTHENTICATED');
  });

  it('a correctly signed _service answers with the SDL', async () => {
    const res = await h.gql<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
    expect(res.data?._service.sdl).toContain('followerCount');
  });
});
