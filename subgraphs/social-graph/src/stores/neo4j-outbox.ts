import type { Integer, ManagedTransaction } from 'neo4j-driver';
import type { Cypher } from './neo4j-cypher';
import { int, toNumber, type Neo4jDb } from './neo4j-db';
import type { OutboxRecord, OutboxStore } from './outbox';

/**
 * The outbox in Neo4j: `(:<prefix>Outbox {id, subject, payload, createdAt})` nodes, written by the
 * follow graph inside its own write transactions (writeOutbox) and read and deleted by the relay.
 */
export class Neo4jOutbox implements OutboxStore {
  constructor(
    private readonly db: Neo4jDb,
    private readonly q: Cypher,
  ) {}

  async pending(limit: number): Promise<OutboxRecord[]> {
    const result = await this.db.read((tx) =>
      tx.run<{ id: string; subject: string; payload: string; createdAt: Integer }>(this.q.outbox.pending, { limit: int(limit) }),
    );
    return result.records.map(
      (r) =>
        ({
          id: r.get('id'),
          subject: r.get('subject'),
          payload: JSON.parse(r.get('payload')) as unknown,
          createdAt: new Date(toNumber(r.get('createdAt'))),
        }) as OutboxRecord,
    );
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.write((tx) => tx.run(this.q.outbox.remove, { ids: [...ids] }));
  }
}

/** Writes outbox records inside the caller's transaction: they commit or roll back with its graph change. */
export async function writeOutbox(tx: ManagedTransaction, q: Cypher, records: readonly OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  await tx.run(q.outbox.write, {
    records: records.map((r) => ({
      id: r.id,
      subject: r.subject,
      payload: JSON.stringify(r.payload),
      createdAt: int(r.createdAt.getTime()),
    })),
  });
}
