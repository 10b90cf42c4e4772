import type { PopularAccount, RankedCandidate } from './discovery-graph';

/**
 * Where suggestion rankings live between requests: per-person snapshots (precomputed by the batch
 * job or computed on demand), the popular-accounts list (the fallback while Neo4j is unavailable),
 * who has been active recently (whom the batch job precomputes for), and a lock so only one process
 * runs the batch job at a time. Two implementations behind one contract suite:
 * MemorySuggestionStore and RedisSuggestionStore.
 */

/** One suggestion in a ranking; `count` 0 means a POPULAR filler. */
export type SuggestionItem = RankedCandidate;

export interface SuggestionSnapshot {
  /** Also the snapshot's version: cursors name it, so later pages read the same ranking. */
  computedAt: Date;
  /** Best first, in compareSuggestions order. */
  items: SuggestionItem[];
}

export interface PopularSnapshot {
  computedAt: Date;
  accounts: PopularAccount[];
}

export interface SuggestionStore {
  /** The person's most recent snapshot, however old (the caller decides whether it is fresh). */
  latest(userId: string): Promise<SuggestionSnapshot | null>;
  /** A given snapshot (by computedAt), while it is kept: the next pages of a list a person is reading. */
  version(userId: string, computedAtMs: number): Promise<SuggestionSnapshot | null>;
  /**
   * Stores a snapshot and makes it the latest. A snapshot of the same person and computedAt is never
   * overwritten (a cursor may be reading it): then nothing is stored and the result is false.
   */
  save(userId: string, snapshot: SuggestionSnapshot): Promise<boolean>;
  popular(): Promise<PopularSnapshot | null>;
  savePopular(snapshot: PopularSnapshot): Promise<void>;
  /** Records that these people were seen at `at` (later times win). */
  markActive(userIds: readonly string[], at: Date): Promise<void>;
  /** People seen at or after `since`, least recently seen first. */
  activeSince(since: Date): Promise<string[]>;
  /** Forgets people last seen before `before`; returns how many. */
  forgetInactive(before: Date): Promise<number>;
  /** Takes a named lock for `ttlMs` (it expires if the holder dies); null when someone else holds it. */
  tryLock(name: string, ttlMs: number): Promise<string | null>;
  /** Releases the lock if `token` still holds it. */
  unlock(name: string, token: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
