import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_AUTH_HEADER, InternalVerifier, newId, type InternalIdentity } from '@social/kit';
import { HttpUserDirectory } from '../src/users/http-user-directory';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { FOLLOW, startHarness } from './harness';
import { errorCode } from '../src/testing/http';
import { freePort } from '../src/testing/ports';

const SECRET = 'user-directory-test-secret-0123456789abcdef';

/** A stand-in for the user subgraph's `_existingUserIds`, checking the signature like the kit does. */
async function fakeUserService(known: Set<string>, mode: 'ok' | 'errors' = 'ok') {
  const verifier = new InternalVerifier(SECRET);
  const seen: { identity: InternalIdentity; query: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      res.setHeader('content-type', 'application/json');
      try {
        const identity = await verifier.verify(req.headers[INTERNAL_AUTH_HEADER] as string | undefined);
        const { query, variables } = JSON.parse(body) as { query: string; variables: { ids: string[] } };
        seen.push({ identity, query });
        if (mode === 'errors') return void res.end(JSON.stringify({ errors: [{ message: 'boom' }] }));
        res.end(JSON.stringify({ data: { _existingUserIds: variables.ids.filter((id) => known.has(id)) } }));
      } catch {
        res.statusCode = 401;
        res.end(JSON.stringify({ errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const deadUrl = async () => `http://127.0.0.1:${await freePort()}/graphql`;

describe('HttpUserDirectory', () => {
  it('asks _existingUserIds signed as social-graph and returns the existing subset', async () => {
    const [a, b] = [newId(), newId()];
    const fake = await fakeUserService(new Set([a]));
    try {
      const directory = new HttpUserDirectory(fake.url, SECRET);
      expect(await directory.existingIds([a, b])).toEqual(new Set([a]));
      expect(fake.seen).toHaveLength(1);
      expect(fake.seen[0]!.identity.caller).toBe('social-graph');
      expect(fake.seen[0]!.query).toContain('_existingUserIds');
      expect(await directory.existingIds([])).toEqual(new Set());
      expect(fake.seen).toHaveLength(1); // nothing to ask, no call
    } finally {
      await fake.close();
    }
  });

  it('a user service that errors or is down is SERVICE_UNAVAILABLE', async () => {
    const fake = await fakeUserService(new Set(), 'errors');
    try {
      await expect(new HttpUserDirectory(fake.url, SECRET).existingIds([newId()])).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    } finally {
      await fake.close();
    }
    await expect(new HttpUserDirectory(await deadUrl(), SECRET).existingIds([newId()])).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('a wrong secret is refused by the user service (and surfaces as SERVICE_UNAVAILABLE, not as "unknown user")', async () => {
    const fake = await fakeUserService(new Set());
    try {
      await expect(new HttpUserDirectory(fake.url, 'some-other-secret-0123456789abcdefghij').existingIds([newId()])).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    } finally {
      await fake.close();
    }
  });
});

describe('follow when the user service is down', () => {
  it('is SERVICE_UNAVAILABLE and follows nobody', async () => {
    const h = await startHarness();
    try {
      // Swap the seeded directory for one pointing at a port where nothing listens.
      const down = new HttpUserDirectory(await deadUrl(), SECRET);
      jest.spyOn(h.users, 'existingIds').mockImplementation((ids) => down.existingIds(ids));
      const [me, them] = [newId(), newId()];
      const res = await h.gql(FOLLOW, { userId: them }, { viewerId: me });
      expect(errorCode(res)).toBe('SERVICE_UNAVAILABLE');
      expect(h.calls['follow'] ?? 0).toBe(0);
    } finally {
      await h.stop();
    }
  });

  it('the memory directory answers only what it was seeded with', async () => {
    const [a, b] = [newId(), newId()];
    const directory = new MemoryUserDirectory([a]);
    expect(await directory.existingIds([a, b])).toEqual(new Set([a]));
  });
});
