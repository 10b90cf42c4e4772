/**
 * The peer gateway: @graphql-hive/gateway's runtime (createGatewayRuntime) serving the same
 * supergraph.graphql as ours, in its default setup, with two additions it needs to talk to our
 * subgraphs at all: routing URLs overridden to the running subgraphs, and the `x-internal-auth` header
 * (our subgraphs refuse unsigned requests) added in an onFetch hook. The token is signed with kit's
 * InternalSigner once and re-signed before its 60 s expiry, not per request.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { INTERNAL_AUTH_HEADER, INTERNAL_TOKEN_TTL_SECONDS, InternalSigner } from '@social/kit';
import { parsePeerConfig } from './config';
import { runWorkers } from './workers';

const config = parsePeerConfig();

const REFRESH_MS = (INTERNAL_TOKEN_TTL_SECONDS - 10) * 1000;

async function start(): Promise<void> {
  const supergraph = readFileSync(config.supergraphPath, 'utf8');
  const signer = new InternalSigner(config.internalAuthSecret, 'gateway');
  let token = await signer.sign(null);
  setInterval(() => void signer.sign(null).then((t) => (token = t)), REFRESH_MS).unref();

  const signing: GatewayPlugin = {
    onFetch({ options, setOptions }) {
      setOptions({ ...options, headers: { ...(options.headers as Record<string, string> | undefined), [INTERNAL_AUTH_HEADER]: token } });
    },
  };
  const gateway = createGatewayRuntime({
    supergraph,
    logging: 'warn',
    transportEntries: Object.fromEntries(Object.entries(config.subgraphUrls).map(([name, location]) => [name, { location }])),
    plugins: () => [signing],
  });
  const server = http.createServer(gateway);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  process.send?.({ type: 'ready' });
  process.on('SIGTERM', () => server.close(() => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0))));
}

runWorkers(config.workers, start);
