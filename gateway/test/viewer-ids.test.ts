import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_AUTH_HEADER, InternalSigner, InternalVerifier } from '@social/kit';
import { readLiveFields } from '../src/subscriptions/live-schema';
import { internalViewerIds, queryFieldOwners } from '../src/subscriptions/viewer-ids';
import { SUPERGRAPH } from './live-test-server';

/** `@liveSubjectsFrom` as the supergraph declares it, and the internal lookup behind it. */
const SECRET = 'd'.repeat(40);

describe('@liveSubjectsFrom', () => {
  it('maps homeTimelineUpdated to the authorPosted subjects of the VIPs the viewer follows', () => {
    expect(readLiveFields(SUPERGRAPH).get('homeTimelineUpdated')?.subjectsFrom).toEqual({
      ids: '_followedVipIds',
      subject: 'live.author.{id}.posted',
      refresh: 'live.timeline.{viewer.id}.following',
    });
    expect(readLiveFields(SUPERGRAPH).get('postLiked')?.subjectsFrom).toBeUndefined();
  });

  it('finds the subgraph that owns an internal Query field', () => {
    const owners = queryFieldOwners(SUPERGRAPH);
    expect(owners.get('_followedVipIds')).toBe('social-graph');
    expect(owners.get('homeTimeline')).toBe('feed');
  });

  describe('internalViewerIds', () => {
    let server: http.Server;
    let url: string;
    const seen: { viewerId: string | null; caller: string; body: unknown }[] = [];
    let answer: () => unknown = () => ({ data: { ids: ['v1', 'v2'] } });

    beforeAll(async () => {
      const verifier = new InternalVerifier(SECRET);
      server = http.createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', async () => {
          const identity = await verifier.verify(req.headers[INTERNAL_AUTH_HEADER] as string);
          seen.push({ viewerId: identity.viewerId, caller: identity.caller, body: JSON.parse(raw) });
          res.setHeader('content-type', 'application/json').end(JSON.stringify(answer()));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    it('asks the owning subgraph, signed as the gateway for the viewer, and returns the ids', async () => {
      const lookup = internalViewerIds(SUPERGRAPH, { 'social-graph': url }, new InternalSigner(SECRET, 'gateway'));
      expect(await lookup('_followedVipIds', 'u1')).toEqual(['v1', 'v2']);
      expect(seen).toEqual([
        {
          viewerId: 'u1',
          caller: 'gateway',
          body: { query: 'query($u: ID!) { ids: _followedVipIds(userId: $u) }', variables: { u: 'u1' } },
        },
      ]);
    });

    it('fails on an error answer, an answer of the wrong shape, or a field no subgraph owns', async () => {
      const lookup = internalViewerIds(SUPERGRAPH, { 'social-graph': url }, new InternalSigner(SECRET, 'gateway'));
      answer = () => ({ data: null, errors: [{ message: 'boom' }] });
      await expect(lookup('_followedVipIds', 'u1')).rejects.toThrow(/boom/);
      answer = () => ({ data: { ids: [1, 2] } });
      await expect(lookup('_followedVipIds', 'u1')).rejects.toThrow();
      await expect(lookup('_noSuchField', 'u1')).rejects.toThrow(/no subgraph/);
    });
  });
});
