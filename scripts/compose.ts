// npm run compose: writes supergraph.graphql and public-schema.graphql from supergraph.yaml. --check: fails if either is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, PUBLIC_SCHEMA_GRAPHQL, SUPERGRAPH_GRAPHQL } from '@social/stack';

const check = process.argv.includes('--check');
const result = composeSupergraph();
for (const note of result.notes) console.log(`hint: ${note}`);
for (const warning of result.warnings) console.error(`warning: ${warning}`);
for (const error of result.errors) console.error(`error: ${error}`);
if (!result.supergraphSdl || !result.publicSchemaSdl || result.warnings.length) {
  console.error('Composition failed.');
  process.exit(1);
}
const outputs: [string, string][] = [
  [SUPERGRAPH_GRAPHQL, result.supergraphSdl],
  [PUBLIC_SCHEMA_GRAPHQL, result.publicSchemaSdl],
];
for (const [file, sdl] of outputs) {
  if (check) {
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (committed !== sdl) {
      console.error(`${file} is stale: run \`npm run compose\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${file} is up to date.`);
  } else {
    writeFileSync(file, sdl);
    console.log(`Wrote ${file}`);
  }
}
