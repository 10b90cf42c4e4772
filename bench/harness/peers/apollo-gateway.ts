/**
 * The reference point: @apollo/gateway in its default setup, as its documentation starts you off
 * (ApolloServer + ApolloGateway + startStandaloneServer, default fetcher and caches, no tuning). The one
 * addition our subgraphs require is the signed `x-internal-auth` header, added the straightforward way:
 * signed in willSendRequest for every subgraph fetch.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_AUTH_HEADER, InternalSigner } from '@social/kit';
import { parsePeerConfig } from './config';
import { runWorkers } from './workers';

const config = parsePeerConfig();

async function start(): Promise<void> {
  const signer = new InternalSigner(config.internalAuthSecret, 'gateway');
  class SignedDataSource extends RemoteGraphQLDataSource {
    override async willSendRequest({ request }: GraphQLDataSourceProcessOptions): Promise<void> {
      request.http?.headers.set(INTERNAL_AUTH_HEADER, await signer.sign(null));
    }
  }
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name, url }) => new SignedDataSource({ url: config.subgraphUrls[name] ?? url }),
  });
  const server = new ApolloServer({ gateway });
  await startStandaloneServer(server, { listen: { port: config.port, host: '127.0.0.1' } });
  process.send?.({ type: 'ready' });
  process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
}

runWorkers(config.workers, start);
