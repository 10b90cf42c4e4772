import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { createLogger } from '@social/kit';
import { MemoryLiveBus } from '@social/events';
import { startLiveServer, type LiveLimits, type LiveServer, type LiveServerOptions } from '../src/subscriptions/live-server';

/** The committed supergraph: the live mapping the tests exercise is the one the gateway serves. */
export const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');

/** The supergraph's API schema, loaded by @apollo/gateway as the gateway loads it. */
export async function loadApiSchema(): Promise<{ schema: GraphQLSchema; stop(): Promise<void> }> {
  const gateway = new ApolloGateway({ supergraphSdl: SUPERGRAPH, logger: createLogger('test', 'silent') });
  const { schema } = await gateway.load();
  return { schema, stop: () => gateway.stop() };
}

export interface TestLiveServer {
  /** ws:// URL of the GraphQL path. */
  url: string;
  live: LiveServer;
  bus: MemoryLiveBus;
  close(): Promise<void>;
}

/**
 * A live server on its own HTTP server and memory bus, with small limits and no validation rules beyond
 * GraphQL's unless the test sets them; `execute` and `tokens` are the test's.
 */
export async function startTestLiveServer(
  schema: GraphQLSchema,
  options: Pick<LiveServerOptions, 'execute' | 'tokens'> & Partial<Omit<LiveServerOptions, 'limits'>> & { limits?: Partial<LiveLimits> },
): Promise<TestLiveServer> {
  const bus = new MemoryLiveBus();
  const httpServer = http.createServer();
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const live = startLiveServer({
    httpServer,
    path: '/graphql',
    schema,
    supergraphSdl: SUPERGRAPH,
    bus,
    maxTokens: 2_000,
    validationRules: [],
    logger: createLogger('test', 'silent'),
    ...options,
    limits: { maxConnections: 100, maxConnectionsPerUser: 5, maxSubscriptionsPerConnection: 10, maxQueuedEvents: 20, ...options.limits },
  });
  return {
    url: `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`,
    live,
    bus,
    close: async () => {
      await live.close();
      await new Promise((r) => httpServer.close(r));
      await bus.close();
    },
  };
}
