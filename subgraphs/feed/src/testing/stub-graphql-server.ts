import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_AUTH_HEADER, InternalVerifier, type InternalIdentity } from '@social/kit';

export interface StubCall {
  identity: InternalIdentity;
  query: string;
  variables: Record<string, unknown>;
}

export interface StubGraphQLServer {
  /** The stub's /graphql URL (its /health is on the same origin). */
  url: string;
  /** Every request that carried a valid internal signature, in order. */
  calls: StubCall[];
  /** Requests refused for a missing or invalid signature. */
  refused: number;
  close(): Promise<void>;
}

/**
 * A stand-in for another subgraph in unit tests: it listens on port 0, refuses any request whose
 * internal signature does not verify (as a real subgraph does), records what it was asked and answers
 * with whatever `answer` returns as `data`.
 */
export async function startStubGraphQLServer(
  secret: string,
  answer: (call: StubCall) => Record<string, unknown>,
): Promise<StubGraphQLServer> {
  const verifier = new InternalVerifier(secret);
  const stub: Omit<StubGraphQLServer, 'url' | 'close'> = { calls: [], refused: 0 };
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok' });
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let identity: InternalIdentity;
    try {
      identity = await verifier.verify(req.headers[INTERNAL_AUTH_HEADER] as string | undefined);
    } catch (err) {
      stub.refused++;
      return send(401, { errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const { query, variables } = JSON.parse(raw) as { query: string; variables?: Record<string, unknown> };
    const call = { identity, query, variables: variables ?? {} };
    stub.calls.push(call);
    send(200, { data: answer(call) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  });
}

/** A URL on which nothing listens: a port the OS gave us and we released again. */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}
