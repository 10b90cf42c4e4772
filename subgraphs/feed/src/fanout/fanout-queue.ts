import { createHash } from 'node:crypto';

/**
 * One unit of fan-out work: a post pushed to (or removed from) a slice of its author's followers, or
 * authors' recent posts merged into a slice of readers (an author leaving VIP mode). A batch names its
 * readers explicitly, so applying it twice is the same as once.
 */
export type FanoutBatch =
  | { kind: 'push'; postId: string; authorId: string; score: number; userIds: string[] }
  | { kind: 'remove'; postId: string; authorId: string; userIds: string[] }
  | { kind: 'merge'; authorIds: string[]; userIds: string[] };

/**
 * Followers per batch: big enough that one Redis script call (one round trip) does real work, small
 * enough that a batch finishes in milliseconds, so a killed worker loses little and a 5k-follower post
 * spreads over five workers. Twitter's fan-out service uses batches of the same order.
 */
export const DEFAULT_FANOUT_BATCH_SIZE = 1_000;
/** Shards of the work queue: the parallelism ceiling (one in-flight batch per shard per worker). */
export const DEFAULT_FANOUT_SHARDS = 8;
/** Deliveries before a batch is parked on the dead-letter subject. */
export const FANOUT_MAX_DELIVER = 5;

/**
 * The sharded work queue between the dispatcher and the fan-out workers. Each batch is delivered to
 * one worker, acknowledged only after it was applied, redelivered elsewhere when a worker dies, and
 * dead-lettered after FANOUT_MAX_DELIVER failures.
 */
export interface FanoutQueue {
  /** `id` names the batch (post, kind, slice): a re-published batch is dropped by the queue. */
  publish(batch: FanoutBatch, id: string): Promise<void>;
  /** Starts applying batches with `handler`; a throw means "retry later". */
  consume(handler: (batch: FanoutBatch) => Promise<void>): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** The shard a batch goes to: stable for a batch id, spread evenly across shards. */
export function shardOf(id: string, shards: number): number {
  return createHash('sha1').update(id).digest().readUInt32BE(0) % shards;
}
