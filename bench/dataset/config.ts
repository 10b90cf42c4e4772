import { z } from 'zod';
import { parseEnv, type Env } from '@social/kit';

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);
const required = (what: string) =>
  z.preprocess(
    unsetIfEmpty,
    z.string({ error: `${what} is not set: run \`eval "$(bash scripts/services env)"\` (or \`start\`) first` }).url(),
  );
const optionalString = z.preprocess(unsetIfEmpty, z.string().optional());

/** The servers the dataset CLI loads into: the same variables the services and scripts/services use. */
const datasetEnvSchema = z.object({
  MONGODB_URI: required('MONGODB_URI'),
  NEO4J_URI: required('NEO4J_URI'),
  /** Both absent means a Neo4j with auth disabled (scripts/services). */
  NEO4J_USER: optionalString,
  NEO4J_PASSWORD: optionalString,
});

export interface DatasetServers {
  mongodbUri: string;
  neo4jUri: string;
  neo4jUser: string | undefined;
  neo4jPassword: string | undefined;
}

export function parseDatasetServers(env: Env = process.env): DatasetServers {
  const c = parseEnv(datasetEnvSchema, env, 'dataset');
  return { mongodbUri: c.MONGODB_URI, neo4jUri: c.NEO4J_URI, neo4jUser: c.NEO4J_USER, neo4jPassword: c.NEO4J_PASSWORD };
}
