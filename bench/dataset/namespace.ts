import { MongoClient } from 'mongodb';
import type { Driver } from 'neo4j-driver';

/**
 * Where a loaded dataset lives. The names are exactly the ones packages/stack/src/start-stack.ts derives
 * from its `isolation` setting, so a stack started with `isolation: prefix` (or the services started with
 * these variables) serves the loaded data:
 *   user subgraph   MONGODB_DB=<prefix>_user        collection users
 *   post subgraph   MONGODB_DB=<prefix>_post        collections posts, post_deletions
 *   social-graph    NEO4J_LABEL_PREFIX=<prefix>     (:<prefix>User {id})-[:FOLLOWS {at}]->(...)
 * plus <prefix>_bench.manifest: what was loaded (scale, seed, now), so the harness can regenerate the same
 * dataset in memory (ids, celebrities, degrees) without reading it back.
 */
export interface Namespace {
  prefix: string;
  userDb: string;
  postDb: string;
  benchDb: string;
  label: string;
  constraint: string;
}

export const PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,40}$/; // a Neo4j label part and a MongoDB database name part

export function namespace(prefix: string): Namespace {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`--prefix must start with a letter and contain only letters, digits and _ (at most 41), not "${prefix}"`);
  }
  return {
    prefix,
    userDb: `${prefix}_user`,
    postDb: `${prefix}_post`,
    benchDb: `${prefix}_bench`,
    label: `${prefix}User`,
    // The name Neo4jFollowGraph.ensureSchema() gives it.
    constraint: `${prefix}User_id_unique`,
  };
}

export interface Manifest {
  _id: 'dataset';
  scale: string;
  users: number;
  seed: number;
  /** The dataset's `now` (epoch ms): generate({ scale, seed, now }) reproduces every id and time. */
  now: number;
  follows: number;
  posts: number;
  edgesChecksum: string;
  /** Every bench user's password (one argon2id hash shared by all accounts). */
  password: string;
  /** Accounts with at least this many followers were stored with isVip: true (there were `vips`). */
  vipThreshold: number;
  vips: number;
  loadedAt: Date;
}

export async function readManifest(mongodbUri: string, prefix: string): Promise<Manifest | null> {
  const client = await new MongoClient(mongodbUri, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    return await client.db(namespace(prefix).benchDb).collection<Manifest>('manifest').findOne({ _id: 'dataset' });
  } finally {
    await client.close();
  }
}

export interface DropReport {
  databases: string[];
  relationships: number;
  nodes: number;
  /** Neo4j constraints and indexes dropped. */
  schema: string[];
}

/**
 * Removes everything under this prefix: the three MongoDB databases, and in Neo4j every node whose label
 * is the prefix followed by a capitalised word (`<prefix>User`, and `<prefix>Outbox` that the social graph
 * service writes), relationships first and in batches so no transaction holds millions of deletions in
 * a 1 GB heap, then the constraints and indexes on those labels. Redis is not written by the loader
 * (timelines come later).
 */
export async function dropNamespace(client: MongoClient, driver: Driver, ns: Namespace): Promise<DropReport> {
  const existing = new Set((await client.db().admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name));
  const databases = [ns.userDb, ns.postDb, ns.benchDb].filter((d) => existing.has(d));
  for (const name of databases) await client.db(name).dropDatabase();

  const ours = new RegExp(`^${ns.prefix}[A-Z][A-Za-z]*$`); // the prefix is [A-Za-z0-9_] only: no regex syntax
  const session = driver.session();
  try {
    const names = async (query: string) => (await session.run(query)).records.map((r) => r.toObject());
    const schema = [
      ...(await names(
        'SHOW CONSTRAINTS YIELD name, labelsOrTypes, entityType RETURN name, labelsOrTypes, entityType, "CONSTRAINT" AS kind',
      )),
      ...(await names(
        'SHOW INDEXES YIELD name, labelsOrTypes, entityType, owningConstraint WHERE owningConstraint IS NULL ' +
          'RETURN name, labelsOrTypes, entityType, "INDEX" AS kind',
      )),
    ].filter((x) => x['entityType'] === 'NODE' && (x['labelsOrTypes'] as string[] | null)?.some((l) => ours.test(l)));
    const inUse = (await names('CALL db.labels() YIELD label RETURN label')).map((x) => x['label'] as string);
    const labels = new Set([...inUse, ...schema.flatMap((x) => x['labelsOrTypes'] as string[])].filter((l) => ours.test(l)));
    let relationships = 0;
    let nodes = 0;
    for (const label of labels) {
      // CALL ... IN TRANSACTIONS must run in an implicit (auto-commit) transaction: session.run, not executeWrite.
      const rels = await session.run(`MATCH (:\`${label}\`)-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS`);
      relationships += rels.summary.counters.updates().relationshipsDeleted;
      const deleted = await session.run(`MATCH (n:\`${label}\`) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 50000 ROWS`);
      nodes += deleted.summary.counters.updates().nodesDeleted;
      relationships += deleted.summary.counters.updates().relationshipsDeleted;
    }
    for (const x of schema) await session.run(`DROP ${String(x['kind'])} \`${String(x['name'])}\` IF EXISTS`);
    return { databases, relationships, nodes, schema: schema.map((x) => String(x['name'])) };
  } finally {
    await session.close();
  }
}
