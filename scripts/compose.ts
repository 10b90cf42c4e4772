// npm run compose: writes supergraph.graphql from supergraph.yaml. --check: fails if it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_GRAPHQL } from '@social/stack';

const check = process.argv.includes('--check');
const result = composeSupergraph();
for (const note of result.notes) console.log(`hint: ${note}`);
for (const warning of result.warnings) console.error(`warning: ${warning}`);
for (const error of result.errors) console.error(`error: ${error}`);
if (!result.supergraphSdl || result.warnings.length) {
  console.error('Composition failed.');
  process.exit(1);
}
if (check) {
  const committed = readFileSync(SUPERGRAPH_GRAPHQL, 'utf8');
  if (committed !== result.supergraphSdl) {
    console.error('supergraph.graphql is stale: run `npm run compose` and commit the result.');
    process.exit(1);
  }
  console.log('supergraph.graphql is up to date.');
} else {
  writeFileSync(SUPERGRAPH_GRAPHQL, result.supergraphSdl);
  console.log(`Wrote ${SUPERGRAPH_GRAPHQL}`);
}
