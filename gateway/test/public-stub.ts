// Test helpers (not a test): a one-subgraph supergraph with public and private elements, served by a
// stub that counts its calls, so a test can prove a rejected request never reached a subgraph.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSchema, graphql, parse } from 'graphql';
import type { Logger, RunningService } from '@social/kit';
import { parseGatewayConfig } from '../src/config';
import { startGateway } from '../src/server';
import { buildManifest } from '../src/persisted-queries/build-manifest';
import type { ApiKeyStore } from '../src/public/api-keys';

const SUBGRAPH_SDL = `
  type Query {
    "A person by id."
    user(id: ID!): User @tag(name: "public")
    "Not for third parties."
    secret: String
  }
  type Mutation {
    login(name: String!): String!
  }
  type User @key(fields: "id") {
    id: ID! @tag(name: "public")
    handle: String! @tag(name: "public")
    email: String
    posts(first: Int, after: String): PostConnection! @tag(name: "public")
  }
  type PostConnection @tag(name: "public") {
    edges: [PostEdge!]!
  }
  type PostEdge @tag(name: "public") {
    node: Post!
  }
  type Post @tag(name: "public") {
    id: ID!
    text: String!
    comments(first: Int): PostConnection!
  }
`;

/** The operations "our clients" ship, as a manifest file. */
export const CLIENT_OPERATIONS = `
  query UserHandle($id: ID!) { user(id: $id) { id handle } }
  mutation Login($name: String!) { login(name: $name) }
`;

export function writeManifest(operations: string, dir = mkdtempSync(path.join(os.tmpdir(), 'manifest-'))): string {
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify(buildManifest([{ file: 'ops.graphql', text: operations }])));
  return file;
}

export function writeSupergraph(): string {
  const typeDefs = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@tag"])\n${SUBGRAPH_SDL}`);
  const composed = composeServices([{ name: 'stub', url: 'http://unused.invalid/graphql', typeDefs }]);
  if (composed.errors) throw composed.errors[0];
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'supergraph-')), 'supergraph.graphql');
  writeFileSync(file, composed.supergraphSdl);
  return file;
}

export interface StubSubgraph {
  url: string;
  /** Operations received, in order. */
  calls: string[];
  stop(): Promise<void>;
}

const page = (prefix: string, first: number | undefined) => ({
  edges: Array.from({ length: first ?? 20 }, (_, i) => ({
    node: { id: `${prefix}-${i}`, text: 'hello', comments: () => ({ edges: [] }) },
  })),
});

export async function startStubSubgraph(): Promise<StubSubgraph> {
  const schema = buildSchema(SUBGRAPH_SDL.replace(/@(tag|key)\([^)]*\)/g, ''));
  const rootValue = {
    user: ({ id }: { id: string }) => ({
      id,
      handle: `h${id}`,
      email: 'x@example.com',
      posts: ({ first }: { first?: number }) => page(id, first),
    }),
    secret: () => 'classified',
    login: ({ name }: { name: string }) => `token-for-${name}`,
  };
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      calls.push(query);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(await graphql({ schema, source: query, variableValues: variables, rootValue })));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    calls,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function startTestGateway(
  stub: StubSubgraph,
  env: Record<string, string | undefined>,
  apiKeys?: ApiKeyStore,
  logger?: Logger,
): Promise<RunningService> {
  return startGateway(
    parseGatewayConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      SUPERGRAPH_PATH: writeSupergraph(),
      SUBGRAPH_URL_STUB: stub.url,
      PERSISTED_QUERY_MANIFEST: writeManifest(CLIENT_OPERATIONS),
      ...env,
    }),
    { apiKeys, ...(logger ? { logger } : {}) },
  );
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

/** POSTs a GraphQL request (JSON) to a URL. */
export async function post(url: string, request: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
}

/** GETs a GraphQL request, its parts in the query string as Apollo's GET protocol has them. */
export async function get(url: string, request: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(request)) u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(u, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
}

export const codeOf = (r: GraphQLResponse) => r.body.errors?.[0]?.extensions?.['code'];

export const publicUrl = (gateway: RunningService) => gateway.url.replace(/\/graphql$/, '/public/graphql');
