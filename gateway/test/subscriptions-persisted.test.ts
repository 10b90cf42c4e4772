import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AccessTokens, createLogger } from '@social/kit';
import { liveSubjects, type MemoryLiveBus } from '@social/events';
import { eventually } from '@social/test-kit';
import type { LiveServer } from '../src/subscriptions/live-server';
import { SafelistManifest, sha256Hex } from '../src/persisted-queries/manifest';
import { CLIENT_NAME_HEADER, NOT_IN_SAFELIST, PERSISTED_QUERY_NOT_FOUND } from '../src/persisted-queries/safelist';
import { loadApiSchema, startTestLiveServer, type TestLiveServer } from './live-test-server';

/**
 * Mobile apps send persisted operations, subscriptions included: over WebSocket a subscription may be
 * sent as a manifest id alone, and a client whose name is set to enforce may subscribe only to its
 * registered operations, exactly as on HTTP.
 */
const LISTED = 'subscription Liked($p: ID!) { postLiked(postId: $p) { likeCount } }';
const UNLISTED = 'subscription Other($p: ID!) { postLiked(postId: $p) { likeCount __typename } }';
const logger = createLogger('test', 'silent');

describe('persisted subscriptions and the safelist over WebSocket', () => {
  let stopSchema: () => Promise<void>;
  let server: TestLiveServer;
  let bus: MemoryLiveBus;
  let live: LiveServer;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    const { schema, stop } = await loadApiSchema();
    stopSchema = stop;
    const manifest = new SafelistManifest('/nonexistent/manifest.json', logger);
    manifest.replace({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256Hex(LISTED), name: 'Liked', type: 'subscription', body: LISTED }],
    });
    server = await startTestLiveServer(schema, {
      execute: async () => ({ data: {} }),
      tokens: new AccessTokens('p'.repeat(40)),
      safelist: { manifest, modes: { ios: 'enforce', web: 'audit' }, defaultMode: 'off', logger },
    });
    ({ url, live, bus } = server);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.close();
    await stopSchema();
  });

  /** A client naming itself in connectionParams, or on the upgrade request's header (`header: true`). */
  function connect(name: string | null, header = false): Client {
    const named = class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, name && header ? { headers: { [CLIENT_NAME_HEADER]: name } } : {});
      }
    };
    const client = createClient({
      url,
      webSocketImpl: named,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: name && !header ? { [CLIENT_NAME_HEADER]: name } : {},
    });
    clients.push(client);
    return client;
  }
  let post = 0;
  /** Subscribes, publishes one like, and reports what the client got: the like count or the error code. */
  async function attempt(client: Client, request: { query: string; extensions?: Record<string, unknown> }): Promise<number | string> {
    const postId = `p${++post}`;
    let outcome: number | string | undefined;
    client.subscribe(
      { ...request, variables: { p: postId } },
      {
        next: (r) => void (outcome = (r.data as { postLiked: { likeCount: number } }).postLiked.likeCount),
        error: (e) => void (outcome = String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code)),
        complete: () => {},
      },
    );
    const subjects = live.stats().subjects;
    await eventually(async () => (outcome !== undefined || live.stats().subjects > subjects ? true : undefined));
    if (outcome === undefined) await bus.publishLive(liveSubjects.postLiked(postId), { postId, userId: 'u', likeCount: 7 });
    await eventually(async () => (outcome !== undefined ? true : undefined));
    return outcome!;
  }
  const byId = (body: string) => ({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(body) } } });

  it('serves a subscription sent as a manifest id alone', async () => {
    expect(await attempt(connect('ios'), byId(LISTED))).toBe(7);
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    expect(await attempt(connect('ios'), byId(UNLISTED))).toBe(PERSISTED_QUERY_NOT_FOUND);
  });

  it('lets an enforcing client subscribe only to its registered operations, sent by id or in full', async () => {
    expect(await attempt(connect('ios'), { query: UNLISTED })).toBe(NOT_IN_SAFELIST);
    expect(await attempt(connect('ios', true), { query: UNLISTED })).toBe(NOT_IN_SAFELIST);
    expect(await attempt(connect('ios'), { query: LISTED })).toBe(7);
  });

  it('lets audited and unnamed clients subscribe to anything valid', async () => {
    expect(await attempt(connect('web'), { query: UNLISTED })).toBe(7);
    expect(await attempt(connect(null), { query: UNLISTED })).toBe(7);
  });
});
