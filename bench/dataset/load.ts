import { MongoClient, ObjectId } from 'mongodb';
import neo4j, { type Driver } from 'neo4j-driver';
// The project's own code, so the layout and the password parameters cannot drift from what the services read.
import { hashPassword } from '../../subgraphs/user/src/auth/passwords';
import { connectMongo } from '../../subgraphs/user/src/stores/mongo';
import { MongoUserStore } from '../../subgraphs/user/src/stores/mongo-user-store';
import { MongoPostStore } from '../../subgraphs/post/src/stores/mongo-post-store';
import { Neo4jDb } from '../../subgraphs/social-graph/src/stores/neo4j-db';
import { emailOf, handleOf, postId, type Dataset } from './generate';
import { dropNamespace, namespace, type DropReport, type Manifest, type Namespace } from './namespace';
import { layoutOf } from './layout';
import { postText } from './posts';
import { Phases, type PhaseResult } from './progress';

/** Every bench account's password (they all share one hash). Bench data only: never a real account. */
export const BENCH_PASSWORD = 'bench-password-123';

export const USER_BATCH = 5_000; // ~1 MB of user documents per insertMany
export const POST_BATCH = 10_000; // ~1.5 MB of post documents per insertMany
export const NODE_BATCH = 20_000; // ids per UNWIND CREATE
export const EDGE_BATCH = 20_000; // edges per transaction: ~1 MB of parameters, a few MB of transaction state in a 1 GB heap
export const NEO4J_WORKERS = 2; // concurrent edge transactions: one per core of the target machine

export interface LoadTarget {
  mongodbUri: string;
  neo4jUri: string;
  neo4jUser?: string | undefined;
  neo4jPassword?: string | undefined;
  prefix: string;
}

export interface LoadOptions {
  /** Progress bars on a terminal and a line per phase (default true). */
  progress?: boolean;
  log?: (line: string) => void;
  /**
   * Accounts with at least this many followers are stored as VIPs (`isVip: true` on the node), as the
   * social graph's follow transaction would have marked them. Default: the shape's (10,000), which is
   * also the service's default VIP_THRESHOLD; a service run with another threshold needs a load with it.
   */
  vipThreshold?: number;
  /** Concurrent Neo4j transactions for the follows (default NEO4J_WORKERS). */
  neo4jWorkers?: number;
}

export interface LoadReport {
  namespace: Namespace;
  dropped: DropReport | null;
  phases: PhaseResult[];
  summary: string;
  vipThreshold: number;
  vips: number;
}

/**
 * Loads a generated dataset into the real servers under one prefix, in the exact layout the services
 * read (see namespace.ts). A prefix that already holds data is dropped first. Phases run one after
 * another so each one's time and rate mean something on a shared 2-core machine.
 */
export async function loadDataset(data: Dataset, target: LoadTarget, opts: LoadOptions = {}): Promise<LoadReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const phases = new Phases({ progress: opts.progress ?? true, log });
  const ns = namespace(target.prefix);
  const vipThreshold = opts.vipThreshold ?? data.shape.vipThreshold;
  const client = await new MongoClient(target.mongodbUri, { serverSelectionTimeoutMS: 5_000 }).connect();
  const driver = loaderDriver(target);
  const n = data.users.count;
  const { ids } = data.users;
  try {
    let dropped: DropReport | null = null;
    await phases.run('drop previous', 1, async (advance) => {
      dropped = await dropNamespace(client, driver, ns);
      advance(1);
    });
    const d = dropped as DropReport | null;
    if (d && (d.databases.length || d.nodes)) {
      log(
        `prefix "${ns.prefix}" held data: dropped databases [${d.databases.join(', ')}], ` +
          `${d.nodes} Neo4j nodes, ${d.relationships} relationships`,
      );
    }

    // The stores' own start-up: collections, indexes and constraints exactly as the services build them
    // (inserting into indexed collections costs little here: measured ~20k docs/s either way on FerretDB).
    const userConn = await connectMongo(target.mongodbUri, ns.userDb);
    const postConn = await connectMongo(target.mongodbUri, ns.postDb);
    let userLayout;
    let postLayout;
    try {
      await phases.run("schema (stores' own)", 3, async (advance) => {
        await MongoUserStore.open(userConn);
        advance(1);
        await MongoPostStore.open(postConn);
        advance(1);
        await new Neo4jDb(driver, ns.prefix).ensureSchema();
        advance(1);
      });
      userLayout = await layoutOf(userConn, 'users', userDoc(data, 0, 'x'));
      postLayout = await layoutOf(postConn, 'posts', postDoc(data, 0, [new ObjectId(ids[0])]));
    } finally {
      await userConn.close();
      await postConn.close();
    }

    // One argon2id hash (the user subgraph's own parameters, ~19 MiB and tens of ms each) for everyone:
    // hashing 100k passwords would take longer than the rest of the load.
    let passwordHash = '';
    await phases.run('hash password (once)', 1, async (advance) => {
      passwordHash = await hashPassword(BENCH_PASSWORD);
      advance(1);
    });
    log(`every user's password is "${BENCH_PASSWORD}": ONE argon2id hash, computed once and shared by all ${n} accounts`);

    const users = client.db(ns.userDb).collection<{ _id: string }>('users');
    await phases.run('mongo users', n, async (advance) => {
      for (let lo = 0; lo < n; lo += USER_BATCH) {
        const docs = [];
        for (let u = lo; u < Math.min(n, lo + USER_BATCH); u++) {
          docs.push({ ...userLayout.defaults(), ...userDoc(data, u, passwordHash) } as { _id: string });
        }
        await users.insertMany(docs, { ordered: false });
        advance(docs.length);
      }
    });

    const { from, to, at, count } = data.follows;
    const followers = new Int32Array(n);
    for (let e = 0; e < count; e++) followers[to[e]!]!++;
    let vips = 0;
    await phases.run('neo4j users', n, async (advance) => {
      const session = driver.session();
      try {
        for (let lo = 0; lo < n; lo += NODE_BATCH) {
          const rows: [string, boolean | null][] = [];
          for (let u = lo; u < Math.min(n, lo + NODE_BATCH); u++) {
            const vip = followers[u]! >= vipThreshold;
            vips += vip ? 1 : 0;
            rows.push([ids[u]!, vip ? true : null]); // isVip is stored only while true
          }
          await session.executeWrite((tx) => tx.run(`UNWIND $rows AS r CREATE (:\`${ns.label}\` {id: r[0], isVip: r[1]})`, { rows }));
          advance(rows.length);
        }
      } finally {
        await session.close();
      }
    });

    await phases.run('neo4j follows', count, async (advance) => {
      // Edges are grouped by follower, so one batch MATCHes each follower once. Workers take the next
      // batch from a shared cursor: their followers never overlap, but followees do, so a deadlock on a
      // popular account is possible and is retried by executeWrite (the loader's driver allows 60 s).
      let next = 0;
      const worker = async () => {
        const session = driver.session();
        try {
          while (next < count) {
            const lo = next;
            const hi = Math.min(count, lo + EDGE_BATCH);
            next = hi;
            const groups: { a: string; f: [string, number][] }[] = [];
            for (let e = lo; e < hi; e++) {
              const a = ids[from[e]!]!;
              const edge: [string, number] = [ids[to[e]!]!, at[e]!];
              const last = groups[groups.length - 1];
              if (last?.a === a) last.f.push(edge);
              else groups.push({ a, f: [edge] });
            }
            // Distinct by construction, so CREATE (not MERGE); `at` travels as a float and is stored as
            // an integer, as the graph store writes it.
            await session.executeWrite((tx) =>
              tx.run(
                `UNWIND $groups AS g
                 MATCH (a:\`${ns.label}\` {id: g.a})
                 UNWIND g.f AS f
                 MATCH (b:\`${ns.label}\` {id: f[0]})
                 CREATE (a)-[:FOLLOWS {at: toInteger(f[1])}]->(b)`,
                { groups },
              ),
            );
            advance(hi - lo);
          }
        } finally {
          await session.close();
        }
      };
      await Promise.all(Array.from({ length: opts.neo4jWorkers ?? NEO4J_WORKERS }, worker));
    });

    const posts = client.db(ns.postDb).collection<{ _id: ObjectId }>('posts');
    const authorIds = ids.map((id) => new ObjectId(id));
    await phases.run('mongo posts', data.posts.count, async (advance) => {
      for (let lo = 0; lo < data.posts.count; lo += POST_BATCH) {
        const docs = [];
        for (let i = lo; i < Math.min(data.posts.count, lo + POST_BATCH); i++) {
          docs.push({ ...postLayout.defaults(), ...postDoc(data, i, authorIds) } as { _id: ObjectId });
        }
        await posts.insertMany(docs, { ordered: false });
        advance(docs.length);
      }
    });

    const manifest: Manifest = {
      _id: 'dataset',
      scale: data.scale.name,
      users: n,
      seed: data.seed,
      now: data.now,
      follows: count,
      posts: data.posts.count,
      edgesChecksum: data.edgesChecksum,
      password: BENCH_PASSWORD,
      vipThreshold,
      vips,
      loadedAt: new Date(),
    };
    await client.db(ns.benchDb).collection<Manifest>('manifest').replaceOne({ _id: 'dataset' }, manifest, { upsert: true });
    return { namespace: ns, dropped: d, phases: phases.results, summary: phases.summary(), vipThreshold, vips };
  } finally {
    await driver.close();
    await client.close();
  }
}

/** A user document's own fields (the store's defaults are added by the layout). */
function userDoc(data: Dataset, u: number, passwordHash: string) {
  const n = data.users.count;
  const handle = handleOf(u, n);
  return {
    _id: data.users.ids[u]!, // the user store keeps the 24-hex id as a string _id
    handle,
    handleLower: handle.toLowerCase(),
    email: emailOf(u, n),
    passwordHash,
    displayName: `Bench ${handle}`,
    createdAt: new Date(data.users.createdAt[u]!),
  };
}

/** A post document's own fields: native ObjectIds, as the post store keeps them. */
function postDoc(data: Dataset, i: number, authorIds: ObjectId[]) {
  return {
    _id: new ObjectId(postId(data, i)),
    authorId: authorIds[data.posts.author[i]!] ?? authorIds[0]!,
    text: postText(data.seed, i),
    createdAt: new Date(data.posts.createdAt[i]!),
    deletedAt: null,
  };
}

/** Drops a prefix without loading anything (`npm run dataset:drop`). */
export async function dropDataset(target: Omit<LoadTarget, 'prefix'> & { prefix: string }): Promise<DropReport> {
  const client = await new MongoClient(target.mongodbUri, { serverSelectionTimeoutMS: 5_000 }).connect();
  const driver: Driver = loaderDriver(target);
  try {
    return await dropNamespace(client, driver, namespace(target.prefix));
  } finally {
    await driver.close();
    await client.close();
  }
}

/**
 * The loader's own driver: the services' driver gives up retrying after 2 s (right for a request), while
 * a bulk load should ride out a deadlock retry or a long GC pause.
 */
function loaderDriver(target: Omit<LoadTarget, 'prefix'>): Driver {
  const auth = target.neo4jUser ? neo4j.auth.basic(target.neo4jUser, target.neo4jPassword ?? '') : undefined;
  return neo4j.driver(target.neo4jUri, auth, { maxTransactionRetryTime: 60_000, connectionTimeout: 5_000 });
}
