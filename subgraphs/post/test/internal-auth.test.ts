import { InternalSigner, INTERNAL_AUTH_HEADER, newId } from '@social/kit';
import { ENTITIES, POST, codes, startHarness, type Harness } from './harness';

/** Reaching the subgraph's port directly gives nothing: every request must carry the gateway's signature. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const requests: [string, string, Record<string, unknown>][] = [
  ['a normal query', POST, { id: newId() }],
  ['_entities', ENTITIES, { r: [{ __typename: 'Post', id: newId() }] }],
  ['_service', '{ _service { sdl } }', {}],
];

describe.each(requests)('%s', (_name, query, variables) => {
  it('is refused without the internal signature', async () => {
    const r = await h.raw(query, variables, {});
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.data ?? null).toBeNull();
  });

  it('is refused with a signature made with another secret', async () => {
    const forged = await new InternalSigner('someone-elses-secret-0123456789abcdefghij', 'gateway').sign(newId());
    const r = await h.raw(query, variables, { [INTERNAL_AUTH_HEADER]: forged });
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.data ?? null).toBeNull();
  });

  it('is answered with a valid signature', async () => {
    const r = await h.gql(query, variables);
    expect(r.errors).toBeUndefined();
    expect(r.data).toBeDefined();
  });
});
