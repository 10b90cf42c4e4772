import neo4j, { Neo4jError, type Driver, type Integer, type ManagedTransaction, type Session } from 'neo4j-driver';
import { serviceUnavailable } from '@social/kit';

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
/**
 * Cap for background jobs that read the whole graph (the popular-accounts scan took 18 s at scale M,
 * 100k users and 3.5M follows, on a loaded 2-core machine): no request waits for them.
 */
export const NEO4J_BATCH_TX_TIMEOUT_MS = 120_000;

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
    // Counts and times come back as neo4j Integers (lossless); they are converted explicitly.
    disableLosslessIntegers: false,
  });
}

/** The backquoted labels of one deployment (or test) sharing the database. */
export interface Labels {
  user: string;
  outbox: string;
}

export function labelsFor(prefix: string): Labels {
  if (!LABEL_PREFIX_PATTERN.test(prefix)) throw new Error(`Invalid Neo4j label prefix "${prefix}": only A-Z, a-z, 0-9 and _ are allowed`);
  return { user: `\`${prefix}User\``, outbox: `\`${prefix}Outbox\`` };
}

/** Constraint and index names, also used by tests to clean up. */
export function schemaNames(prefix: string) {
  return {
    userId: `${prefix}User_id_unique`,
    outboxId: `${prefix}Outbox_id_unique`,
    outboxCreatedAt: `${prefix}Outbox_createdAt`,
  };
}

/**
 * One Neo4j database seen through a label prefix: sessions, transactions with time limits, outage
 * errors mapped to SERVICE_UNAVAILABLE, and the schema the queries rely on.
 */
export class Neo4jDb {
  readonly labels: Labels;

  constructor(
    readonly driver: Driver,
    readonly prefix = '',
    /** Server-side cap on one request's transaction (NEO4J_TX_TIMEOUT_MS). */
    private readonly txTimeoutMs = NEO4J_TX_TIMEOUT_MS,
  ) {
    this.labels = labelsFor(prefix);
  }

  /**
   * Unique constraints on the user id (they also back every lookup by id: NodeUniqueIndexSeek) and on
   * the outbox id (an event is recorded once), and a range index so the relay reads the oldest
   * outbox records without scanning them all.
   */
  async ensureSchema(): Promise<void> {
    const n = schemaNames(this.prefix);
    const { user, outbox } = this.labels;
    for (const statement of [
      `CREATE CONSTRAINT \`${n.userId}\` IF NOT EXISTS FOR (u:${user}) REQUIRE u.id IS UNIQUE`,
      `CREATE CONSTRAINT \`${n.outboxId}\` IF NOT EXISTS FOR (o:${outbox}) REQUIRE o.id IS UNIQUE`,
      `CREATE RANGE INDEX \`${n.outboxCreatedAt}\` IF NOT EXISTS FOR (o:${outbox}) ON (o.createdAt)`,
    ]) {
      await this.write((tx) => tx.run(statement));
    }
  }

  read<T>(work: (tx: ManagedTransaction) => Promise<T>, timeoutMs = this.txTimeoutMs): Promise<T> {
    return this.session((s) => s.executeRead(work, { timeout: timeoutMs }));
  }

  write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.session((s) => s.executeWrite(work, { timeout: this.txTimeoutMs }));
  }

  async ping(): Promise<void> {
    await this.read((tx) => tx.run('RETURN 1'));
  }

  async close(): Promise<void> {
    await this.driver.close();
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
    err.code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut') || // slower than NEO4J_TX_TIMEOUT_MS: overloaded
    err.message.startsWith('Connection acquisition timed out');
  return outage ? serviceUnavailable('The social graph is not reachable right now. Please try again shortly.') : err;
}

export function toNumber(value: Integer | number): number {
  return neo4j.isInt(value) ? value.toNumber() : value;
}

export const int = (n: number) => neo4j.int(n);
