// Prints the operators of every Cypher statement's plan, against the real Neo4j of scripts/services:
//   eval "$(bash ../../scripts/services env)" && npx tsx --conditions=@social/source scripts/explain.ts [labelPrefix]
// The label prefix (default "explain") gets the constraints and indexes; nothing else is written.
import { realServers } from '@social/test-kit';
import { createNeo4jDriver, Neo4jDb } from '../src/stores/neo4j-db';
import { dropPrefix } from '../src/testing/neo4j';
import { explain, statements } from '../src/testing/plans';

async function main() {
  const prefix = process.argv[2] ?? 'explain';
  const db = new Neo4jDb(createNeo4jDriver({ uri: realServers().neo4jUri }), prefix);
  try {
    await db.ensureSchema();
    for (const [name, statement] of statements(prefix))
      console.log(`${name.padEnd(28)} ${(await explain(db.driver, statement)).join(' < ')}`);
    if (prefix === 'explain') await dropPrefix(db.driver, prefix);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
