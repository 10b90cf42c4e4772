import { writeFileSync } from 'node:fs';
import { createLogger, type RunningService } from '@social/kit';
import { eventually } from '@social/test-kit';
import { sha256Hex } from '../src/persisted-queries/manifest';
import { NOT_IN_SAFELIST } from '../src/persisted-queries/safelist';
import { buildManifest } from '../src/persisted-queries/build-manifest';
import { CLIENT_OPERATIONS, codeOf, get, post, startStubSubgraph, startTestGateway, writeManifest, type StubSubgraph } from './public-stub';

const ADMIN_TOKEN = 'a'.repeat(40);
const logger = createLogger('gateway', 'silent');
const manifestOp = (name: string, text = CLIENT_OPERATIONS) =>
  buildManifest([{ file: 'ops.graphql', text }]).operations.find((o) => o.name === name)!;
const pq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } });

describe('automatic persisted queries and the safelist (memory)', () => {
  let stub: StubSubgraph;
  let gateway: RunningService;
  let manifestFile: string;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    manifestFile = writeManifest(CLIENT_OPERATIONS);
    gateway = await startTestGateway(
      stub,
      { PERSISTED_QUERY_MANIFEST: manifestFile, SAFELIST_MODES: 'ios=enforce,web=audit', SAFELIST_DEFAULT_MODE: 'off', ADMIN_TOKEN },
      undefined,
      logger,
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await stub.stop();
  });

  describe('APQ (Apollo protocol)', () => {
    const query = 'query Apq($id: ID!) { user(id: $id) { handle } }';

    it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, then serves it by hash once registered', async () => {
      const miss = await post(gateway.url, { variables: { id: '7' }, extensions: pq(query) });
      expect(codeOf(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
      const register = await post(gateway.url, { query, variables: { id: '7' }, extensions: pq(query) });
      expect(register.body.data).toEqual({ user: { handle: 'h7' } });
      const hit = await eventually(async () => {
        const r = await post(gateway.url, { variables: { id: '8' }, extensions: pq(query) });
        return r.body.data ? r : undefined;
      });
      expect(hit.body.data).toEqual({ user: { handle: 'h8' } });
    });

    it('rejects a hash that is not the sha256 of the query sent with it', async () => {
      const r = await post(gateway.url, { query, variables: { id: '1' }, extensions: pq('{ secret }') });
      expect(r.status).toBe(400);
      expect(codeOf(r)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
      expect(r.body.errors?.[0]?.message).toMatch(/does not match/);
    });

    it('serves hashed queries by GET (CDN-cacheable) when a preflight header proves it is not a simple cross-site request', async () => {
      const body = manifestOp('UserHandle').body;
      const request = { variables: { id: '3' }, extensions: pq(body) };
      const ok = await get(gateway.url, request, { 'apollo-require-preflight': 'true' });
      expect(ok.body.data).toEqual({ user: { id: '3', handle: 'h3' } });
      // Apollo iOS / Kotlin send X-APOLLO-OPERATION-NAME on every request, which passes the same check.
      const mobile = await get(gateway.url, { ...request, operationName: 'UserHandle' }, { 'x-apollo-operation-name': 'UserHandle' });
      expect(mobile.body.data).toEqual({ user: { id: '3', handle: 'h3' } });
      const csrf = await get(gateway.url, request);
      expect(csrf.status).toBe(400);
      expect(csrf.body.errors?.[0]?.message ?? JSON.stringify(csrf.body)).toMatch(/CSRF|preflight/i);
    });

    it('refuses mutations over GET', async () => {
      const calls = stub.calls.length;
      const r = await get(
        gateway.url,
        { variables: { name: 'x' }, extensions: pq(manifestOp('Login').body) },
        { 'apollo-require-preflight': 'true' },
      );
      expect(r.status).toBe(405);
      expect(stub.calls.length).toBe(calls);
    });
  });

  describe('manifest ids', () => {
    it('runs a manifest operation sent as its id alone, never registered before', async () => {
      const r = await post(gateway.url, {
        variables: { id: '5' },
        extensions: { persistedQuery: { version: 1, sha256Hash: manifestOp('UserHandle').id } },
      });
      expect(r.body.data).toEqual({ user: { id: '5', handle: 'h5' } });
    });
  });

  describe('safelist modes per client name', () => {
    const adHoc = { query: '{ secret }' };

    it('enforce: refuses an operation outside the manifest before any subgraph is called', async () => {
      const calls = stub.calls.length;
      const r = await post(gateway.url, adHoc, { 'apollographql-client-name': 'ios' });
      expect(r.status).toBe(403);
      expect(codeOf(r)).toBe(NOT_IN_SAFELIST);
      expect(r.body.data).toBeUndefined();
      expect(stub.calls.length).toBe(calls);
    });

    it('enforce: runs manifest operations, by id or by their exact text', async () => {
      const op = manifestOp('UserHandle');
      const byId = await post(
        gateway.url,
        { variables: { id: '1' }, extensions: { persistedQuery: { version: 1, sha256Hash: op.id } } },
        { 'apollographql-client-name': 'ios' },
      );
      expect(byId.body.data).toEqual({ user: { id: '1', handle: 'h1' } });
      const byText = await post(gateway.url, { query: op.body, variables: { id: '2' } }, { 'apollographql-client-name': 'ios' });
      expect(byText.body.data).toEqual({ user: { id: '2', handle: 'h2' } });
    });

    it('audit and off: run the operation; audit logs it, off does not', async () => {
      const warn = jest.spyOn(logger, 'warn');
      try {
        for (const name of ['web', 'android', '']) {
          const r = await post(gateway.url, adHoc, name ? { 'apollographql-client-name': name } : {});
          expect(r.body.data).toEqual({ secret: 'classified' });
        }
        const audits = warn.mock.calls.filter((c) => c[1] === 'operation not in the persisted-query safelist');
        expect(audits.map((c) => (c[0] as { client: string }).client)).toEqual(['web']);
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('reloading the manifest', () => {
    const added = 'query UserPosts($id: ID!) { user(id: $id) { posts(first: 1) { edges { node { id } } } } }';

    it('needs the admin token', async () => {
      const res = await fetch(gateway.url.replace('/graphql', '/admin/persisted-queries/reload'), { method: 'POST' });
      expect(res.status).toBe(401);
    });

    it('keeps the current safelist when the new file is invalid', async () => {
      writeFileSync(manifestFile, '{"format":"something else"}');
      const res = await fetch(gateway.url.replace('/graphql', '/admin/persisted-queries/reload'), {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(422);
      const r = await post(
        gateway.url,
        { query: manifestOp('UserHandle').body, variables: { id: '1' } },
        { 'apollographql-client-name': 'ios' },
      );
      expect(r.body.data).toBeTruthy();
    });

    it('takes a new manifest from the admin endpoint', async () => {
      writeManifest(CLIENT_OPERATIONS + added, manifestFile.replace(/\/manifest\.json$/, ''));
      const res = await fetch(gateway.url.replace('/graphql', '/admin/persisted-queries/reload'), {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(await res.json()).toEqual({ operations: 3 });
      const body = manifestOp('UserPosts', added).body; // the manifest's printed text, not our spelling of it
      const r = await post(gateway.url, { query: body, variables: { id: '4' } }, { 'apollographql-client-name': 'ios' });
      expect(r.body.data).toEqual({ user: { posts: { edges: [{ node: { id: '4-0' } }] } } });
    });

    it('takes a new manifest on SIGHUP', async () => {
      const third = 'query Third { secret }';
      writeManifest(third, manifestFile.replace(/\/manifest\.json$/, ''));
      process.emit('SIGHUP', 'SIGHUP');
      const r = await eventually(async () => {
        const res = await post(gateway.url, { query: manifestOp('Third', third).body }, { 'apollographql-client-name': 'ios' });
        return res.body.data ? res : undefined;
      });
      expect(r.body.data).toEqual({ secret: 'classified' });
    });
  });
});

describe('safelist with enforce as the default: forged client names gain nothing', () => {
  let stub: StubSubgraph;
  let gateway: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    gateway = await startTestGateway(stub, { SAFELIST_MODES: 'web=audit', SAFELIST_DEFAULT_MODE: 'enforce' });
  });
  afterAll(async () => {
    await gateway.stop();
    await stub.stop();
  });

  it.each(['', 'ios', 'hacker', 'constructor', '__proto__'])('client name "%s" falls to the default mode', async (name) => {
    const calls = stub.calls.length;
    const r = await post(gateway.url, { query: '{ secret }' }, name ? { 'apollographql-client-name': name } : {});
    expect(codeOf(r)).toBe(NOT_IN_SAFELIST);
    expect(stub.calls.length).toBe(calls);
  });
});

describe('main endpoint introspection', () => {
  let stub: StubSubgraph;
  afterEach(async () => stub?.stop());

  it('is off in production and answers GRAPHQL_VALIDATION_FAILED without calling a subgraph', async () => {
    stub = await startStubSubgraph();
    const gateway = await startTestGateway(stub, {
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'i'.repeat(40),
      ACCESS_TOKEN_SECRET: 't'.repeat(40),
    });
    try {
      const r = await post(gateway.url, { query: '{ __schema { queryType { name } } }' });
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.body.errors?.[0]?.message).toMatch(/introspection/i);
      expect(stub.calls).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  it('is on in development', async () => {
    stub = await startStubSubgraph();
    const gateway = await startTestGateway(stub, {});
    try {
      const r = await post(gateway.url, { query: '{ __schema { queryType { name } } }' });
      expect(r.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await gateway.stop();
    }
  });
});
