import neo4j, { Neo4jError, type Driver, type Integer, type ManagedTransaction, type Session } from 'neo4j-driver';
import { serviceUnavailable } from '@social/kit';
import type { FollowCounts, FollowEdge, FollowGraph, FollowPage, FollowPair } from './follow-graph';

/**
 * Time bounds so a request fails with SERVICE_UNAVAILABLE instead of hanging when Neo4j is down.
 * Worst case for a refused connection: attempts at ~0 s, ~1 s and ~3 s (the driver's 1 s, x2 backoff
 * inside the 2 s retry window), so about 3-4 s; for a host that silently drops packets add one connect
 * timeout per attempt.
 */
export const NEO4J_CONNECT_TIMEOUT_MS = 2_000; // a Bolt handshake on a LAN takes milliseconds; 2 s means the host is gone
export const NEO4J_ACQUIRE_TIMEOUT_MS = 5_000; // waiting longer than this for a pooled connection means we are overloaded
export const NEO4J_MAX_RETRY_MS = 2_000; // rides out a leader switch or a dropped connection, short enough for a click
export const NEO4J_TX_TIMEOUT_MS = 5_000; // server-side cap on one transaction (a lock wait, a runaway query)

/** Label prefixes are interpolated into Cypher (labels cannot be parameters), so only these characters pass. */
export const LABEL_PREFIX_PATTERN = /^[A-Za-z0-9_]*$/;

export interface Neo4jConnectionOptions {
  uri: string;
  user?: string | undefined;
  password?: string | undefined;
}

export function createNeo4jDriver(opts: Neo4jConnectionOptions): Driver {
  // No credentials means a server with auth disabled (scripts/services, local development): the
  // driver then sends the "none" scheme.
  const auth = opts.user ? neo4j.auth.basic(opts.user, opts.password ?? '') : undefined;
  return neo4j.driver(opts.uri, auth, {
    connectionTimeout: NEO4J_CONNECT_TIMEOUT_MS,
    connectionAcquisitionTimeout: NEO4J_ACQUIRE_TIMEOUT_MS,
    maxTransactionRetryTime: NEO4J_MAX_RETRY_MS,
    // Counts and times come back as neo4j Integers (lossless); they are converted explicitly below.
    disableLosslessIntegers: false,
  });
}

/**
 * The follow graph in Neo4j: `(:<prefix>User {id})-[:FOLLOWS {at}]->(:<prefix>User {id})`, `at` in
 * epoch milliseconds (an integer compares and pages exactly like the memory store's Date and needs
 * no temporal conversion). Degrees are cheap in Neo4j, so counts are computed on read with COUNT {}.
 * Every value is a query parameter; only the validated label prefix is interpolated.
 */
export class Neo4jFollowGraph implements FollowGraph {
  private readonly label: string;

  constructor(
    private readonly driver: Driver,
    labelPrefix = '',
  ) {
    if (!LABEL_PREFIX_PATTERN.test(labelPrefix))
      throw new Error(`Invalid Neo4j label prefix "${labelPrefix}": only A-Z, a-z, 0-9 and _ are allowed`);
    this.label = `\`${labelPrefix}User\``;
  }

  /** Creates the unique constraint on the user id (it also backs every lookup by id). */
  async ensureSchema(): Promise<void> {
    const name = `\`${this.label.slice(1, -1)}_id_unique\``;
    await this.write((tx) => tx.run(`CREATE CONSTRAINT ${name} IF NOT EXISTS FOR (u:${this.label}) REQUIRE u.id IS UNIQUE`));
  }

  async follow(followerId: string, followeeId: string, at: Date): Promise<boolean> {
    const result = await this.write((tx) =>
      tx.run(
        // MERGE on both nodes (unique constraint) and on the relationship makes a repeat a no-op.
        // Taking the follower's write lock first (set-and-remove) serialises concurrent follow and
        // unfollow by the same person explicitly, rather than relying on MERGE's internal locking,
        // so one edge exists and exactly one of the racing calls reports a change.
        `MERGE (a:${this.label} {id: $followerId})
         MERGE (b:${this.label} {id: $followeeId})
         SET a._lock = true REMOVE a._lock
         MERGE (a)-[r:FOLLOWS]->(b) ON CREATE SET r.at = $at`,
        { followerId, followeeId, at: neo4j.int(at.getTime()) },
      ),
    );
    return result.summary.counters.updates().relationshipsCreated > 0;
  }

  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    const result = await this.write((tx) =>
      tx.run(
        `MATCH (a:${this.label} {id: $followerId})
         SET a._lock = true REMOVE a._lock
         WITH a
         MATCH (a)-[r:FOLLOWS]->(:${this.label} {id: $followeeId})
         DELETE r`,
        { followerId, followeeId },
      ),
    );
    return result.summary.counters.updates().relationshipsDeleted > 0;
  }

  followers(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    return this.page(`(:${this.label} {id: $userId})<-[r:FOLLOWS]-(o:${this.label})`, userId, page);
  }

  following(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    return this.page(`(:${this.label} {id: $userId})-[r:FOLLOWS]->(o:${this.label})`, userId, page);
  }

  async counts(userIds: readonly string[]): Promise<Map<string, FollowCounts>> {
    const counts = new Map<string, FollowCounts>(userIds.map((id) => [id, { followers: 0, following: 0 }]));
    if (userIds.length === 0) return counts;
    const result = await this.read((tx) =>
      tx.run<{ id: string; followers: Integer; following: Integer }>(
        `UNWIND $ids AS uid
         MATCH (u:${this.label} {id: uid})
         RETURN uid AS id, COUNT { (u)<-[:FOLLOWS]-() } AS followers, COUNT { (u)-[:FOLLOWS]->() } AS following`,
        { ids: [...new Set(userIds)] },
      ),
    );
    for (const r of result.records) {
      counts.set(r.get('id'), { followers: toNumber(r.get('followers')), following: toNumber(r.get('following')) });
    }
    return counts;
  }

  async isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]> {
    if (pairs.length === 0) return [];
    const result = await this.read((tx) =>
      tx.run<{ a: string; b: string }>(
        `UNWIND $pairs AS p
         MATCH (:${this.label} {id: p.followerId})-[:FOLLOWS]->(:${this.label} {id: p.followeeId})
         RETURN p.followerId AS a, p.followeeId AS b`,
        { pairs: pairs.map((p) => ({ followerId: p.followerId, followeeId: p.followeeId })) },
      ),
    );
    const found = new Set(result.records.map((r) => `${r.get('a')}>${r.get('b')}`));
    return pairs.map((p) => found.has(`${p.followerId}>${p.followeeId}`));
  }

  async followingIds(userId: string, limit: number): Promise<string[]> {
    const result = await this.read((tx) =>
      tx.run<{ id: string }>(
        `MATCH (:${this.label} {id: $userId})-[r:FOLLOWS]->(o:${this.label})
         RETURN o.id AS id ORDER BY r.at DESC, o.id DESC LIMIT $limit`,
        { userId, limit: neo4j.int(limit) },
      ),
    );
    return result.records.map((r) => r.get('id'));
  }

  async ping(): Promise<void> {
    await this.read((tx) => tx.run('RETURN 1'));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async page(pattern: string, userId: string, page: FollowPage): Promise<FollowEdge[]> {
    const after = page.after ?? null;
    const result = await this.read((tx) =>
      tx.run<{ userId: string; at: Integer }>(
        // Keyset: strictly after (at, id) of the last row seen, in (at DESC, id DESC) order.
        `MATCH ${pattern}
         WHERE $afterAt IS NULL OR r.at < $afterAt OR (r.at = $afterAt AND o.id < $afterId)
         RETURN o.id AS userId, r.at AS at
         ORDER BY at DESC, userId DESC
         LIMIT $limit`,
        {
          userId,
          afterAt: after ? neo4j.int(after.followedAt.getTime()) : null,
          afterId: after?.userId ?? null,
          limit: neo4j.int(page.limit),
        },
      ),
    );
    return result.records.map((r) => ({ userId: r.get('userId'), followedAt: new Date(toNumber(r.get('at'))) }));
  }

  private read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.session((s) => s.executeRead(work, { timeout: NEO4J_TX_TIMEOUT_MS }));
  }

  private write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.session((s) => s.executeWrite(work, { timeout: NEO4J_TX_TIMEOUT_MS }));
  }

  private async session<T>(use: (session: Session) => Promise<T>): Promise<T> {
    const session = this.driver.session();
    try {
      return await use(session);
    } catch (err) {
      throw mapNeo4jError(err);
    } finally {
      await session.close().catch(() => undefined);
    }
  }
}

/** Outages become SERVICE_UNAVAILABLE (a stable code the client can retry on); anything else stays a bug. */
export function mapNeo4jError(err: unknown): unknown {
  if (!(err instanceof Neo4jError)) return err;
  const outage =
    err.code === neo4j.error.SERVICE_UNAVAILABLE ||
    err.code === neo4j.error.SESSION_EXPIRED ||
    err.code.startsWith('Neo.TransientError.') || // still failing after the driver's retries
    err.message.startsWith('Connection acquisition timed out');
  return outage ? serviceUnavailable('The social graph is not reachable right now. Please try again shortly.') : err;
}

function toNumber(value: Integer | number): number {
  return neo4j.isInt(value) ? value.toNumber() : value;
}
