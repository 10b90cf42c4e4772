import { realServers, uniqueName } from '@social/test-kit';
import type { FollowGraphOptions } from '../stores/follow-graph';
import { neo4jGraphStores, type GraphStores } from '../stores/graph-stores';
import { createNeo4jDriver, Neo4jDb, schemaNames } from '../stores/neo4j-db';

/**
 * Neo4j stores under fresh label prefixes for int tests, and the clean-up: Neo4j community has one
 * database, so each run removes its labelled nodes, constraints and indexes afterwards (tests only).
 */
export function neo4jTestGraphs(uri = realServers().neo4jUri) {
  const prefixes: string[] = [];
  return {
    prefixes,
    async make(opts: FollowGraphOptions, prefix = uniqueName('sg')): Promise<GraphStores & { db: Neo4jDb }> {
      prefixes.push(prefix);
      const db = new Neo4jDb(createNeo4jDriver({ uri }), prefix);
      await db.ensureSchema();
      return neo4jGraphStores(db, opts);
    },
    async cleanUp(): Promise<void> {
      const driver = createNeo4jDriver({ uri });
      try {
        for (const prefix of prefixes) await dropPrefix(driver, prefix);
      } finally {
        await driver.close();
      }
    },
  };
}

export async function dropPrefix(driver: ReturnType<typeof createNeo4jDriver>, prefix: string): Promise<void> {
  for (const label of [`${prefix}User`, `${prefix}Outbox`]) {
    await driver.executeQuery(`MATCH (n:\`${label}\`) DETACH DELETE n`);
  }
  const n = schemaNames(prefix);
  await driver.executeQuery(`DROP CONSTRAINT \`${n.userId}\` IF EXISTS`);
  await driver.executeQuery(`DROP CONSTRAINT \`${n.outboxId}\` IF EXISTS`);
  await driver.executeQuery(`DROP INDEX \`${n.outboxCreatedAt}\` IF EXISTS`);
}
