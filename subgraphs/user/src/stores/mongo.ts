import mongoose, { type Connection } from 'mongoose';

const SERVER_SELECTION_TIMEOUT_MS = 5_000; // an outage surfaces as an error within a request's patience, not after 30 s

/**
 * One connection per service (never mongoose's global one), so several services and test files in
 * one process keep their databases apart. Indexes are created explicitly by each store at start, not
 * by mongoose in the background, so start-up fails loudly when one cannot be built.
 */
export async function connectMongo(uri: string, dbName: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName,
    autoIndex: false,
    autoCreate: false,
    // Fail at once while disconnected instead of queueing operations behind the reconnect.
    bufferCommands: false,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
  });
  await conn.asPromise();
  return conn;
}

export async function pingMongo(conn: Connection): Promise<void> {
  if (!conn.db) throw new Error('MongoDB is not connected');
  await conn.db.command({ ping: 1 });
}

/**
 * For a duplicate-key error (E11000): the first field of the refusing index ('' when the server does
 * not say, as FerretDB v1 does not: its message names only the collection). null for other errors.
 */
export function duplicateKeyIndex(err: unknown): string | null {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; message?: string } | null;
  if (e?.code !== 11000) return null;
  const fromPattern = e.keyPattern && Object.keys(e.keyPattern)[0];
  // Older MongoDB servers send no keyPattern but name the index in the message.
  return fromPattern ?? /index: (\w+?)_1\b/.exec(e.message ?? '')?.[1] ?? '';
}
