import { MongoClient } from 'mongodb';
import { realServers, uniqueName } from '@social/test-kit';
// Read back through the project's own stores: if the loader's layout drifted from theirs, this fails.
import { verifyPassword } from '../../subgraphs/user/src/auth/passwords';
import { connectMongo } from '../../subgraphs/user/src/stores/mongo';
import { MongoUserStore } from '../../subgraphs/user/src/stores/mongo-user-store';
import { MongoPostStore } from '../../subgraphs/post/src/stores/mongo-post-store';
import { neo4jGraphStores, type GraphStores } from '../../subgraphs/social-graph/src/stores/graph-stores';
import { createNeo4jDriver, Neo4jDb } from '../../subgraphs/social-graph/src/stores/neo4j-db';
import { emailOf, generate, handleOf, postId } from './generate';
import { BENCH_PASSWORD, dropDataset, loadDataset, type LoadReport } from './load';
import { namespace, readManifest } from './namespace';
import { parseScale } from './scale';

const { mongodbUri, neo4jUri } = realServers();
const prefix = uniqueName('dsint');
const ns = namespace(prefix);
const data = generate({ scale: parseScale('500'), seed: 11, now: Date.UTC(2026, 0, 15) });
const n = data.users.count;
const { ids } = data.users;
const { from, to, at, count } = data.follows;

const followers = new Int32Array(n);
const following = new Int32Array(n);
for (let e = 0; e < count; e++) {
  followers[to[e]!]!++;
  following[from[e]!]!++;
}
const top = followers.indexOf(Math.max(...followers));
const vipThreshold = followers[top]!; // exactly the top account (and any tie) is a VIP
const quiet = { progress: false, log: () => undefined };
const target = { mongodbUri, neo4jUri, prefix };

let first: LoadReport;
let second: LoadReport;
let graph: GraphStores;
let posts: MongoPostStore;
let users: MongoUserStore;
let closeUsers: () => Promise<unknown>;

beforeAll(async () => {
  first = await loadDataset(data, target, { ...quiet, vipThreshold });
  second = await loadDataset(data, target, { ...quiet, vipThreshold }); // the same prefix again: dropped first
  graph = neo4jGraphStores(new Neo4jDb(createNeo4jDriver({ uri: neo4jUri }), prefix), { vipThreshold });
  posts = await MongoPostStore.connect({ uri: mongodbUri, dbName: ns.postDb });
  const conn = await connectMongo(mongodbUri, ns.userDb);
  users = await MongoUserStore.open(conn);
  closeUsers = () => conn.close();
}, 120_000);

afterAll(async () => {
  await graph?.close();
  await posts?.close();
  await closeUsers?.();
  await dropDataset(target).catch(() => undefined);
});

describe('dataset:load into the real servers, read back through the project stores', () => {
  it('re-loading a prefix drops what was there first, so nothing is doubled', () => {
    expect(first.dropped?.nodes ?? 0).toBe(0);
    expect(second.dropped?.nodes).toBe(n);
    expect(second.dropped?.databases.sort()).toEqual([ns.benchDb, ns.postDb, ns.userDb].sort());
    expect(second.phases.find((p) => p.phase === 'neo4j follows')?.rows).toBe(count);
    expect(second.vips).toBe(Array.from(followers).filter((f) => f >= vipThreshold).length);
  });

  it('users: the user store finds them by handle and email, and the shared password verifies', async () => {
    const u = 123;
    const byHandle = await users.findByHandle(handleOf(u, n));
    expect(byHandle).toMatchObject({ id: ids[u], handle: 'u000123', createdAt: new Date(data.users.createdAt[u]!) });
    const credentials = await users.findByHandleOrEmail(emailOf(u, n));
    expect(credentials?.user.id).toBe(ids[u]);
    expect(await verifyPassword(credentials!.passwordHash, BENCH_PASSWORD)).toBe(true);
    expect(await users.existingIds(ids.slice(0, 50))).toHaveLength(50);
  });

  it('follows: the graph store counts followers and following exactly as generated, and flags the VIP', async () => {
    const sample = [top, 0, 1, 2, 3, 99, 250, 499];
    const stats = await graph.follows.stats(sample.map((u) => ids[u]!));
    for (const u of sample) {
      expect(stats.get(ids[u]!)).toEqual({ followers: followers[u], following: following[u], isVip: followers[u]! >= vipThreshold });
    }
  });

  it('follows: followingIds is newest follow first, with the generated times', async () => {
    const u = following.indexOf(Math.max(...following));
    const mine: [number, string][] = [];
    for (let e = 0; e < count; e++) if (from[e] === u) mine.push([at[e]!, ids[to[e]!]!]);
    mine.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
    expect(await graph.follows.followingIds(ids[u]!, 1000)).toEqual(mine.map(([, id]) => id));
    const page = await graph.follows.following(ids[u]!, { limit: 3 });
    expect(page.map((e) => e.followedAt.getTime())).toEqual(mine.slice(0, 3).map(([t]) => t));
  });

  it('follows: a follower of the VIP sees it among followed VIPs', async () => {
    const fan = from[Array.from(to).indexOf(top)]!;
    expect(await graph.follows.followedVipIds(ids[fan]!, 10)).toContain(ids[top]);
  });

  it('posts: the post store lists an author newest first, and the pull timeline query matches the generated posts', async () => {
    const author = data.posts.perUser.indexOf(Math.max(...data.posts.perUser));
    const expected: number[] = []; // post indexes, newest first
    for (let i = data.posts.count - 1; i >= 0; i--) if (data.posts.author[i] === author) expected.push(i);
    const listed = await posts.listByAuthor(ids[author]!, 20);
    expect(listed.map((p) => p.id)).toEqual(expected.slice(0, 20).map((i) => postId(data, i)));
    expect(listed[0]).toMatchObject({ authorId: ids[author], deletedAt: null, createdAt: new Date(data.posts.createdAt[expected[0]!]!) });

    // What the pull feed does for a reader: the recent posts of everyone they follow, newest first.
    const reader = 0;
    const followees = new Set<number>();
    for (let e = 0; e < count; e++) if (from[e] === reader) followees.add(to[e]!);
    const timeline: string[] = [];
    for (let i = data.posts.count - 1; i >= 0 && timeline.length < 20; i--) {
      if (followees.has(data.posts.author[i]!)) timeline.push(postId(data, i));
    }
    const got = await posts.recentIdsByAuthors(
      [...followees].map((f) => ids[f]!),
      20,
    );
    expect(got).toEqual(timeline);
    const next = await posts.recentIdsByAuthors(
      [...followees].map((f) => ids[f]!),
      5,
      got[got.length - 1],
    );
    expect(next.every((id) => id < got[got.length - 1]!)).toBe(true);
    expect(await posts.indexNames()).toContain('author_newest');
  });

  it('posts: createdAt and the id time agree', async () => {
    const found = await posts.findByIds([postId(data, 0), postId(data, data.posts.count - 1)]);
    expect(found).toHaveLength(2);
    for (const p of found) expect(Math.floor(p.createdAt.getTime() / 1000)).toBe(parseInt(p.id.slice(0, 8), 16));
  });

  it('writes a manifest from which the same dataset regenerates', async () => {
    const manifest = await readManifest(mongodbUri, prefix);
    expect(manifest).toMatchObject({ users: n, follows: count, seed: 11, now: data.now, vipThreshold, password: BENCH_PASSWORD });
    const again = generate({ scale: parseScale(String(manifest!.users)), seed: manifest!.seed, now: manifest!.now });
    expect(again.edgesChecksum).toBe(manifest!.edgesChecksum);
  });

  it('dataset:drop removes every database, node, constraint and index of the prefix', async () => {
    const dropped = await dropDataset(target);
    expect(dropped.nodes).toBe(n);
    expect(dropped.schema).toContain(`${prefix}User_id_unique`);
    const client = await new MongoClient(mongodbUri).connect();
    try {
      const names = (await client.db().admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
      expect(names.filter((d) => d.startsWith(prefix))).toEqual([]);
    } finally {
      await client.close();
    }
    const driver = createNeo4jDriver({ uri: neo4jUri });
    try {
      const { records } = await driver.executeQuery(`MATCH (u:\`${prefix}User\`) RETURN count(u) AS c`);
      expect(records[0]!.get('c').toNumber()).toBe(0);
      const schema = await driver.executeQuery(`SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH $p RETURN name`, { p: prefix });
      expect(schema.records).toHaveLength(0);
    } finally {
      await driver.close();
    }
  });
});
