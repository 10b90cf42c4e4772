// npm run persisted-manifest: writes clients/persisted-query-manifest.json (Apollo's format) from the
// client operations in clients/**/*.graphql and checks every one against supergraph.graphql.
// --check: also fails when the committed manifest is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { buildManifest, invalidOperations, readOperationSources } from '../gateway/src/persisted-queries/build-manifest';

const ROOT = path.resolve(__dirname, '..');
const CLIENTS = path.join(ROOT, 'clients');
const OUTPUT = path.join(CLIENTS, 'persisted-query-manifest.json');

async function main() {
  const manifest = buildManifest(readOperationSources(CLIENTS));
  const json = JSON.stringify(manifest, null, 2) + '\n';
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8') });
  const { schema } = await gateway.load();
  await gateway.stop();
  const invalid = invalidOperations(manifest, schema);
  for (const problem of invalid) console.error(`invalid: ${problem}`);
  if (invalid.length) process.exit(1);
  if (process.argv.includes('--check')) {
    if (!existsSync(OUTPUT) || readFileSync(OUTPUT, 'utf8') !== json) {
      console.error(`${OUTPUT} is stale: run \`npm run persisted-manifest\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${OUTPUT} is up to date (${manifest.operations.length} operations, all valid).`);
  } else {
    writeFileSync(OUTPUT, json);
    console.log(`Wrote ${OUTPUT} (${manifest.operations.length} operations, all valid).`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
