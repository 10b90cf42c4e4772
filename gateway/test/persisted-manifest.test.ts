import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { buildManifest, invalidOperations, readOperationSources } from '../src/persisted-queries/build-manifest';
import { parseManifest } from '../src/persisted-queries/manifest';

const ROOT = path.resolve(__dirname, '..', '..');

/** The committed manifest of our clients' operations (`npm run persisted-manifest`). */
describe('clients/persisted-query-manifest.json', () => {
  const committed = parseManifest(readFileSync(path.join(ROOT, 'clients', 'persisted-query-manifest.json'), 'utf8'));
  let schema: GraphQLSchema;

  beforeAll(async () => {
    const gateway = new ApolloGateway({ supergraphSdl: readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8') });
    ({ schema } = await gateway.load());
    await gateway.stop();
  });

  it('is up to date with clients/**/*.graphql (run `npm run persisted-manifest` when this fails)', () => {
    expect(committed).toEqual(buildManifest(readOperationSources(path.join(ROOT, 'clients'))));
  });

  it('has only operations valid against the current supergraph', () => {
    expect(invalidOperations(committed, schema)).toEqual([]);
    expect(committed.operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['HomeTimeline', 'Profile', 'PostDetail', 'LikePost', 'Follow', 'Login']),
    );
  });

  it('reports an operation the supergraph no longer has', () => {
    const stale = buildManifest([{ file: 'old.graphql', text: 'query Old { user(id: "1") { nickname } }' }]);
    expect(invalidOperations(stale, schema)).toEqual([expect.stringContaining('Old: Cannot query field "nickname"')]);
  });
});
