/**
 * Preloaded (`--import`) into the post subgraph's process by the counters benchmark: counts the
 * MongoDB write commands its connections send (insert, update, delete) and the documents in them,
 * and answers `{ type: 'write-counts' }` over IPC. Counted at the client, per process, so other
 * tenants of the shared database server do not blur the figures (the server's own counters would).
 * Changes nothing in the service: it only turns on the driver's command monitoring.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export interface WriteCounts {
  commands: number;
  documents: number;
  byCommand: Record<string, { commands: number; documents: number }>;
}

interface CommandStarted {
  commandName: string;
  command: Record<string, unknown>;
}
interface MongooseLike {
  createConnection(
    uri: string,
    options?: Record<string, unknown>,
  ): { getClient(): { on(e: string, f: (ev: CommandStarted) => void): void } };
}

// The mongoose instance the post subgraph loads (resolved from its package), so these are its connections.
const postRequire = createRequire(path.join(__dirname, '..', '..', '..', 'subgraphs', 'post', 'package.json'));
const mongoose = postRequire('mongoose') as MongooseLike;

const WRITES: Record<string, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };
const counts: WriteCounts = { commands: 0, documents: 0, byCommand: {} };

const createConnection = mongoose.createConnection.bind(mongoose);
mongoose.createConnection = (uri, options = {}) => {
  const conn = createConnection(uri, { ...options, monitorCommands: true });
  conn.getClient().on('commandStarted', (e) => {
    const field = WRITES[e.commandName];
    if (!field) return;
    const docs = Array.isArray(e.command[field]) ? (e.command[field] as unknown[]).length : 0;
    const c = (counts.byCommand[e.commandName] ??= { commands: 0, documents: 0 });
    c.commands++;
    c.documents += docs;
    counts.commands++;
    counts.documents += docs;
  });
  return conn;
};

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'write-counts') process.send?.({ type: 'write-counts', counts });
});
