import mongoose, { type Connection } from 'mongoose';

/**
 * The service's own connection (never mongoose's global one, so several services and tests can live
 * in one process). Indexes are created explicitly at start, never implicitly.
 */
export async function connectMongo(uri: string, dbName: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, {
      dbName,
      // Fail fast during an outage instead of queueing behind a reconnect; /ready reports it.
      bufferCommands: false,
      serverSelectionTimeoutMS: 5_000,
      autoIndex: false,
      autoCreate: false,
    })
    .asPromise();
}

const DUPLICATE_KEY = 11000;

/** A unique index (or `_id`) refused an insert: on FerretDB and MongoDB alike, the atomic "someone else has it". */
export const isDuplicateKey = (err: unknown) => (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
