import Redis from 'ioredis';
// The feed's own store: the keys, members, caps and Lua scripts are the service's, not a copy.
import { RedisTimelineStore } from '../../subgraphs/feed/src/stores/redis-timeline-store';
import { RECENT_CAP, TIMELINE_CAP } from '../../subgraphs/feed/src/stores/timeline-store';
import { postId, type Dataset } from './generate';
import { Phases, type PhaseResult } from './progress';

/** The feed strategies that read pushed timelines, and what each expects in them. */
export type PushMode = 'hybrid' | 'push-only';

/** Readers merged per pipelined burst, and authors per merge script (the feed's own rebuild chunk). */
const READERS_IN_FLIGHT = 500;
const AUTHORS_PER_MERGE = 100;
const POSTS_IN_FLIGHT = 5_000;
/** Where a load records itself, under the store's key prefix: the harness loads again when it is absent or different. */
export const TIMELINES_MARKER = 'dataset:timelines';

/**
 * The feed's REDIS_KEY_PREFIX for a dataset and strategy: the stack's own `<isolation>:feed:` for hybrid
 * (what a plain `startStack({ real: { isolation } })` reads), a sibling prefix for push-only timelines.
 */
export function timelineKeyPrefix(prefix: string, mode: PushMode): string {
  return mode === 'hybrid' ? `${prefix}:feed:` : `${prefix}:feed-push:`;
}

export interface TimelinesTarget {
  redisUrl: string;
  /** The feed's REDIS_KEY_PREFIX for this strategy (the stack's `<isolation>:feed:` for hybrid). */
  keyPrefix: string;
  mode: PushMode;
  /** Accounts with at least this many followers are VIPs (the manifest's threshold). */
  vipThreshold: number;
}

export interface TimelinesReport {
  mode: PushMode;
  keyPrefix: string;
  readers: number;
  vips: number;
  /** Entries across every reader's timeline after the cap, and Redis's memory after the load. */
  entries: number;
  usedMemory: string;
  phases: PhaseResult[];
  summary: string;
}

export interface TimelinesMarker {
  mode: PushMode;
  seed: number;
  scale: string;
  now: number;
  vipThreshold: number;
  readers: number;
  entries: number;
}

/**
 * Writes the Redis state a feed would hold after serving the dataset's week of posts, built with the
 * feed's own store operations: every post in its author's recent set (capped as the service caps it),
 * the VIP set, and each reader's timeline merged from the recent sets of the accounts they follow and
 * their own (`hybrid`: VIPs left out, they are pulled at read time; `push-only`: everyone), which is
 * exactly what the feed's rebuild of a returning reader computes. Every reader is marked as seen now,
 * so a read serves the timeline instead of starting a rebuild. The key prefix is emptied first.
 */
export async function loadTimelines(
  data: Dataset,
  target: TimelinesTarget,
  opts: { progress?: boolean; log?: (line: string) => void } = {},
): Promise<TimelinesReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const phases = new Phases({ progress: opts.progress ?? true, log });
  const raw = new Redis(target.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await raw.connect();
  const store = await RedisTimelineStore.connect({ url: target.redisUrl, keyPrefix: target.keyPrefix });
  const n = data.users.count;
  const ids = data.users.ids;
  const { from, to, count } = data.follows;
  try {
    await phases.run('redis: drop previous', 1, async (advance) => {
      await unlinkPrefix(raw, target.keyPrefix);
      advance(1);
    });

    const followers = new Int32Array(n);
    for (let e = 0; e < count; e++) followers[to[e]!]!++;
    const isVip = (u: number) => followers[u]! >= target.vipThreshold;
    let vips = 0;
    await phases.run('redis: VIP set', n, async (advance) => {
      const pending: Promise<void>[] = [];
      for (let u = 0; u < n; u++) {
        if (!isVip(u)) continue;
        vips++;
        pending.push(store.setVip(ids[u]!, true));
      }
      await Promise.all(pending);
      advance(n);
    });

    const posts = data.posts;
    const postsOf = new Int32Array(n);
    await phases.run('redis: recent sets', posts.count, async (advance) => {
      for (let lo = 0; lo < posts.count; lo += POSTS_IN_FLIGHT) {
        const hi = Math.min(posts.count, lo + POSTS_IN_FLIGHT);
        const batch: Promise<void>[] = [];
        for (let i = lo; i < hi; i++) {
          const author = posts.author[i]!;
          postsOf[author]!++;
          batch.push(store.addRecent({ postId: postId(data, i), authorId: ids[author]!, score: posts.createdAt[i]! }));
        }
        await Promise.all(batch); // ioredis writes them back to back on one connection: one pipelined burst
        advance(hi - lo);
      }
    });

    // Edges are grouped by follower: firstEdge[u]..firstEdge[u+1] are u's follows.
    const firstEdge = new Int32Array(n + 1).fill(-1);
    for (let e = count - 1; e >= 0; e--) firstEdge[from[e]!] = e;
    firstEdge[n] = count;
    for (let u = n - 1; u >= 0; u--) if (firstEdge[u] === -1) firstEdge[u] = firstEdge[u + 1]!;
    let entries = 0;
    let readers = 0;
    const seenAt = Date.now();
    await phases.run('redis: timelines', n, async (advance) => {
      for (let lo = 0; lo < n; lo += READERS_IN_FLIGHT) {
        const hi = Math.min(n, lo + READERS_IN_FLIGHT);
        const batch: Promise<void>[] = [];
        for (let u = lo; u < hi; u++) {
          if (firstEdge[u] === firstEdge[u + 1]) continue; // follows nobody: not a reader
          const authors = [u];
          for (let e = firstEdge[u]!; e < firstEdge[u + 1]!; e++) {
            const f = to[e]!;
            if (target.mode === 'push-only' || !isVip(f)) authors.push(f);
          }
          readers++;
          entries += Math.min(
            TIMELINE_CAP,
            authors.reduce((sum, a) => sum + Math.min(postsOf[a]!, RECENT_CAP), 0),
          );
          const authorIds = authors.map((a) => ids[a]!);
          for (let i = 0; i < authorIds.length; i += AUTHORS_PER_MERGE) {
            batch.push(store.mergeRecent([ids[u]!], authorIds.slice(i, i + AUTHORS_PER_MERGE)));
          }
          batch.push(store.touch(ids[u]!, seenAt).then(() => undefined));
        }
        await Promise.all(batch);
        advance(hi - lo);
      }
    });

    const marker: TimelinesMarker = {
      mode: target.mode,
      seed: data.seed,
      scale: data.scale.name,
      now: data.now,
      vipThreshold: target.vipThreshold,
      readers,
      entries,
    };
    await raw.set(`${target.keyPrefix}${TIMELINES_MARKER}`, JSON.stringify(marker));
    const usedMemory = /used_memory_human:(\S+)/.exec(await raw.info('memory'))?.[1] ?? '?';
    return {
      mode: target.mode,
      keyPrefix: target.keyPrefix,
      readers,
      vips,
      entries,
      usedMemory,
      phases: phases.results,
      summary: phases.summary(),
    };
  } finally {
    await store.close();
    raw.disconnect();
  }
}

/** The marker of the last complete load under `keyPrefix`, or null. */
export async function timelinesMarker(redisUrl: string, keyPrefix: string): Promise<TimelinesMarker | null> {
  const raw = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await raw.connect();
  try {
    const value = await raw.get(`${keyPrefix}${TIMELINES_MARKER}`);
    return value ? (JSON.parse(value) as TimelinesMarker) : null;
  } finally {
    raw.disconnect();
  }
}

/** Deletes every key under a prefix (SCAN, never KEYS: the server keeps answering meanwhile). */
async function unlinkPrefix(redis: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5_000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
