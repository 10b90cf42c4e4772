import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import neo4j, { type Driver, type Record as Neo4jRecord } from 'neo4j-driver';
import type { RealStores } from '@social/stack';
import { harnessEnv } from './config';
import { REPO_ROOT } from './processes';
import type { Environment } from './report';

export type ServerUrls = Omit<RealStores, 'isolation'>;

const VARS = { mongodbUri: 'MONGODB_URI', neo4jUri: 'NEO4J_URI', redisUrl: 'REDIS_URL', natsUrl: 'NATS_URL' } as const;

/**
 * The real servers' addresses from MONGODB_URI, NEO4J_URI, REDIS_URL and NATS_URL; when they are not
 * set, asks `scripts/services env` (the shared servers of this machine). Never starts or stops them.
 */
export function resolveServers(env: NodeJS.ProcessEnv = harnessEnv()): ServerUrls {
  const fromEnv = (e: Record<string, string | undefined>) => Object.fromEntries(Object.entries(VARS).map(([k, v]) => [k, e[v]]));
  let found = fromEnv(env);
  if (Object.values(found).some((v) => !v)) {
    try {
      const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'services'), 'env'], { encoding: 'utf8', timeout: 30_000 });
      const parsed: Record<string, string> = {};
      for (const m of out.matchAll(/^export\s+([A-Z0-9_]+)=(.*)$/gm)) parsed[m[1]!] = m[2]!.replace(/^['"]|['"]$/g, '');
      found = { ...fromEnv(parsed), ...Object.fromEntries(Object.entries(found).filter(([, v]) => v)) };
    } catch {
      /* reported below */
    }
  }
  const missing = Object.entries(found)
    .filter(([, v]) => !v)
    .map(([k]) => VARS[k as keyof typeof VARS]);
  if (missing.length)
    throw new Error(`--real needs ${missing.join(', ')}: run \`eval "$(bash scripts/services env)"\` (or \`start\`) first`);
  return found as unknown as ServerUrls;
}

/** Addresses without credentials, for the report. */
export function redact(urls: ServerUrls): Record<string, string> {
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, v.replace(/\/\/[^@/]*@/, '//***@')]));
}

export interface DatasetCounts {
  users: number;
  follows: number;
  posts: number;
}

export interface Reader {
  id: string;
  following: number;
}

/**
 * Reads what a scenario needs from the dataset loaded under `prefix`, in the layout the stores use:
 * MongoDB databases `<prefix>_user` (users) and `<prefix>_post` (posts), Neo4j label `<prefix>User`
 * with FOLLOWS relationships.
 */
export class DatasetReader {
  private constructor(
    private readonly mongo: MongoClient,
    private readonly graph: Driver,
    private readonly prefix: string,
  ) {}

  static async open(servers: ServerUrls, prefix: string): Promise<DatasetReader> {
    if (!/^[A-Za-z0-9_]+$/.test(prefix)) throw new Error(`invalid dataset prefix "${prefix}"`);
    const mongo = await new MongoClient(servers.mongodbUri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const graph = neo4j.driver(servers.neo4jUri, undefined, { disableLosslessIntegers: true });
    return new DatasetReader(mongo, graph, prefix);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.mongo.close(), this.graph.close()]);
  }

  private get label(): string {
    return `\`${this.prefix}User\``;
  }

  async counts(): Promise<DatasetCounts> {
    const users = await this.mongo.db(`${this.prefix}_user`).collection('users').estimatedDocumentCount();
    const posts = await this.mongo.db(`${this.prefix}_post`).collection('posts').estimatedDocumentCount();
    const res = await this.graph.executeQuery(`MATCH (:${this.label})-[r:FOLLOWS]->() RETURN count(r) AS n`);
    return { users, posts, follows: Number(res.records[0]?.get('n') ?? 0) };
  }

  /** What the dataset loader recorded (scale, seed, counts, edge checksum), if it left a manifest. */
  async manifest(): Promise<Record<string, unknown> | null> {
    const doc = await this.mongo.db(`${this.prefix}_bench`).collection('manifest').findOne({});
    if (!doc) return null;
    const { password: _password, _id, ...rest } = doc as Record<string, unknown>;
    return rest;
  }

  /** The report's line for this dataset: its counts, how many readers a scenario drew from, and the loader's manifest. */
  async environmentEntry(scale: string, counts: DatasetCounts, readers: readonly Reader[]): Promise<Environment['dataset'][number]> {
    const manifest = await this.manifest();
    return { scale, prefix: this.prefix, ...counts, note: `${readers.length} users follow someone`, ...(manifest ? { manifest } : {}) };
  }

  /** Every user with how many accounts they follow (only those following someone). */
  async readers(): Promise<Reader[]> {
    const res = await this.graph.executeQuery(
      `MATCH (u:${this.label}) WITH u, COUNT { (u)-[:FOLLOWS]->() } AS following WHERE following > 0 RETURN u.id AS id, following`,
    );
    return res.records.map((r: Neo4jRecord) => ({ id: r.get('id') as string, following: Number(r.get('following')) }));
  }

  /**
   * Times the query the pull timeline's page 1 makes of the post store for one reader, straight against
   * MongoDB (newest 21 live posts of everyone the reader follows, and the reader), as the post subgraph
   * issues it. Tells a slow timeline's store cost apart from everything around it.
   */
  async timePullQuery(readerId: string): Promise<{ authors: number; found: number; ms: number }> {
    const res = await this.graph.executeQuery(`MATCH (:${this.label} {id: $id})-[:FOLLOWS]->(f) RETURN f.id AS id`, { id: readerId });
    const authors = [readerId, ...res.records.map((r: Neo4jRecord) => r.get('id') as string)].map((id) => new ObjectId(id));
    const started = process.hrtime.bigint();
    const docs = await this.mongo
      .db(`${this.prefix}_post`)
      .collection('posts')
      .find({ authorId: { $in: authors }, deletedAt: null }, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(21)
      .toArray();
    return { authors: authors.length, found: docs.length, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /**
   * Authors with at least `minPosts` among the newest `window` posts, most prolific first (ties by id),
   * so a "user's posts page" has a full page to show.
   */
  async activeAuthors(count: number, minPosts = 20, window = 50_000): Promise<string[]> {
    const posts = this.mongo.db(`${this.prefix}_post`).collection<{ _id: ObjectId; authorId: ObjectId | string }>('posts');
    const perAuthor = new Map<string, number>();
    for await (const doc of posts
      .find({}, { projection: { authorId: 1 } })
      .sort({ _id: -1 })
      .limit(window)) {
      const id = String(doc.authorId);
      perAuthor.set(id, (perAuthor.get(id) ?? 0) + 1);
    }
    return [...perAuthor.entries()]
      .filter(([, n]) => n >= minPosts)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, count)
      .map(([id]) => id);
  }
}
