import type { DiscoveryGraph } from './discovery-graph';
import type { FollowGraph, FollowGraphOptions } from './follow-graph';
import { MemoryDiscoveryGraph } from './memory-discovery-graph';
import { MemoryFollowGraph } from './memory-follow-graph';
import { cypher } from './neo4j-cypher';
import type { Neo4jDb } from './neo4j-db';
import { Neo4jDiscoveryGraph } from './neo4j-discovery-graph';
import { Neo4jFollowGraph } from './neo4j-follow-graph';
import { Neo4jOutbox } from './neo4j-outbox';
import type { OutboxStore } from './outbox';

/**
 * The three views of one graph database. They share one connection (Neo4j) or one state (memory)
 * because the outbox must be written in the same transaction as the follows.
 */
export interface GraphStores {
  follows: FollowGraph;
  discovery: DiscoveryGraph;
  outbox: OutboxStore;
  /** Throws when the database cannot serve (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function memoryGraphStores(opts: FollowGraphOptions): GraphStores & { memory: MemoryFollowGraph } {
  const memory = new MemoryFollowGraph(opts);
  return {
    memory,
    follows: memory,
    outbox: memory,
    discovery: new MemoryDiscoveryGraph(memory),
    ping: () => memory.ping(),
    close: () => memory.close(),
  };
}

/** The Neo4j stores over one driver; call ensureSchema() before serving. */
export function neo4jGraphStores(db: Neo4jDb, opts: FollowGraphOptions): GraphStores & { db: Neo4jDb } {
  const q = cypher(db.labels);
  return {
    db,
    follows: new Neo4jFollowGraph(db, q, opts),
    discovery: new Neo4jDiscoveryGraph(db, q),
    outbox: new Neo4jOutbox(db, q),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}
