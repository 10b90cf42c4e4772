import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { INTERNAL_AUTH_HEADER, InternalVerifier, type RunningService } from '@social/kit';
import { parseGatewayConfig } from '../src/config';
import { startGateway } from '../src/server';

const SECRET = 'i'.repeat(40);

/**
 * The gateway serves any composed supergraph named by SUPERGRAPH_PATH, signs every subgraph fetch,
 * and passes a subgraph's `extensions.degraded` notices on to the client.
 */
describe('gateway on a supergraph file of our choosing', () => {
  let stub: http.Server;
  let gateway: RunningService;
  const seenViewers: (string | null)[] = [];

  beforeAll(async () => {
    const verifier = new InternalVerifier(SECRET);
    stub = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const identity = await verifier.verify(req.headers[INTERNAL_AUTH_HEADER] as string).catch(() => null);
        seenViewers.push(identity ? identity.viewerId : 'UNSIGNED');
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            data: { suggestions: ['popular-1', 'popular-2'] },
            extensions: { degraded: [{ field: 'suggestions', reason: 'graph-unavailable', fallback: 'popular-accounts' }], ignored: true },
          }),
        );
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/graphql`;

    const typeDefs = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Query { suggestions: [String!]! }`);
    const composed = composeServices([{ name: 'stub', url: 'http://unused.invalid/graphql', typeDefs }]);
    if (composed.errors) throw composed.errors[0];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'supergraph-')), 'other.graphql');
    writeFileSync(file, composed.supergraphSdl);

    gateway = await startGateway(
      parseGatewayConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        SUPERGRAPH_PATH: file,
        SUBGRAPH_URL_STUB: stubUrl,
        INTERNAL_AUTH_SECRET: SECRET,
      }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    stub?.close();
  });

  it('answers from the given supergraph, signed, with the degradation notice in extensions', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ suggestions }' }),
    });
    const body = (await res.json()) as { data: unknown; extensions?: Record<string, unknown> };
    expect(body.data).toEqual({ suggestions: ['popular-1', 'popular-2'] });
    expect(body.extensions).toEqual({ degraded: [{ field: 'suggestions', reason: 'graph-unavailable', fallback: 'popular-accounts' }] });
    expect(seenViewers).toEqual([null]); // signed by the gateway, on behalf of nobody
  });
});
