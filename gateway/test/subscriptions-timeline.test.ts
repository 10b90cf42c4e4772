import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { FieldNode, OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AccessTokens, createLogger } from '@social/kit';
import { MemoryLiveBus, liveSubjects } from '@social/events';
import { eventually } from '@social/test-kit';
import { startLiveServer, type LiveServer } from '../src/subscriptions/live-server';
import type { LiveQueryExecutor } from '../src/subscriptions/live-hub';

/**
 * homeTimelineUpdated (feed SDL): the subject is the signed-in viewer's own timeline subject, and the
 * event's post is resolved through Query.post as that viewer.
 */
const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');
const SECRET = 'c'.repeat(40);
const UPDATED = `subscription { homeTimelineUpdated { post { id text } } }`;

describe('Subscription.homeTimelineUpdated at the gateway', () => {
  let gateway: ApolloGateway;
  let httpServer: http.Server;
  let bus: MemoryLiveBus;
  let live: LiveServer;
  let url: string;
  const calls: { field: string; id: unknown; viewerId: string | null }[] = [];
  const tokens = new AccessTokens(SECRET);
  const clients: Client[] = [];

  /** Answers the event query as the post subgraph would, recording which root field, id and viewer it was asked. */
  const execute: LiveQueryExecutor = async (query, variables, viewerId) => {
    const fields = (query.document.definitions[0] as OperationDefinitionNode).selectionSet.selections as FieldNode[];
    const data: Record<string, unknown> = {};
    for (const f of fields) {
      const id = variables[f.alias!.value];
      calls.push({ field: f.name.value, id, viewerId });
      data[f.alias!.value] = { id, text: `text of ${String(id)}` };
    }
    return { data };
  };

  beforeAll(async () => {
    gateway = new ApolloGateway({ supergraphSdl: SUPERGRAPH, logger: createLogger('test', 'silent') });
    const { schema } = await gateway.load();
    bus = new MemoryLiveBus();
    httpServer = http.createServer();
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
    live = startLiveServer({
      httpServer,
      path: '/graphql',
      schema,
      supergraphSdl: SUPERGRAPH,
      bus,
      execute,
      tokens,
      limits: { maxConnections: 100, maxConnectionsPerUser: 5, maxSubscriptionsPerConnection: 10, maxQueuedEvents: 20 },
      maxTokens: 2_000,
      validationRules: [],
      logger: createLogger('test', 'silent'),
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await live.close();
    await new Promise((r) => httpServer.close(r));
    await bus.close();
    await gateway.stop();
  });

  function subscribe(authorization?: string) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: authorization ? { authorization } : {},
    });
    clients.push(client);
    const results: unknown[] = [];
    const errors: { extensions?: { code?: string } }[][] = [];
    client.subscribe(
      { query: UPDATED },
      { next: (r) => void results.push(r), error: (e) => void errors.push(e as never), complete: () => {} },
    );
    return { results, errors };
  }
  const bearer = async (userId: string) => `Bearer ${(await tokens.sign(userId)).token}`;

  it("delivers only the viewer's own timeline events, with the post resolved as the viewer", async () => {
    const alice = subscribe(await bearer('alice1'));
    const bob = subscribe(await bearer('bob1'));
    await eventually(async () => (live.stats().subjects === 2 ? true : undefined));

    await bus.publishLive(liveSubjects.timelineUpdated('bob1'), { userId: 'bob1', postId: 'pb' });
    await bus.publishLive(liveSubjects.timelineUpdated('alice1'), { userId: 'alice1', postId: 'pa' });
    await eventually(async () => (alice.results.length === 1 && bob.results.length === 1 ? true : undefined));

    expect(alice.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pa', text: 'text of pa' } } } }]);
    expect(bob.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pb', text: 'text of pb' } } } }]);
    expect(calls).toEqual(
      expect.arrayContaining([
        { field: 'post', id: 'pa', viewerId: 'alice1' },
        { field: 'post', id: 'pb', viewerId: 'bob1' },
      ]),
    );
  });

  it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
    const anon = subscribe();
    await eventually(async () => (anon.errors.length === 1 ? true : undefined));
    expect(anon.errors[0]![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
