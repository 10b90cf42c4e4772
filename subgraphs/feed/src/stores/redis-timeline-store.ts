import Redis from 'ioredis';
import type { Logger } from '@social/kit';
import { ADD_RECENT, FOLLOW, MERGE_RECENT, PUSH_POST, REMOVE_AUTHOR } from './redis-timeline-scripts';
import {
  isPast,
  RECENT_CAP,
  TIMELINE_CAP,
  type GraphChange,
  type ReadRequest,
  type TimelineBound,
  type TimelineEntry,
  type TimelineSource,
  type TimelineStore,
  type Visit,
} from './timeline-store';

const TOMBSTONE_TTL_SECONDS = 7 * 24 * 3600; // as long as the event stream keeps events: no replay can outlive it
const EDGE_TTL_SECONDS = TOMBSTONE_TTL_SECONDS; // a pair's last change, for the same reason
const REBUILD_LEASE_SECONDS = 120; // a crashed rebuild frees its claim after this; a live one takes seconds
const VIP_CACHE_TTL_SECONDS = 3600; // a safety net: invalidation events keep it fresh, this bounds a missed one
const READ_SLACK = 4; // extra entries per read so equal scores past the cursor rarely need a second trip
/**
 * The Redis setting `zset-max-listpack-entries` this store is tuned for. Redis keeps a sorted set of up to
 * that many entries as a listpack, where an insert scans the whole list; Redis's default of 128 puts
 * most light readers' timelines there. With 32, in 7 interleaved pairs of timeline-fanout runs, a burst
 * went from 61-104k to 83-108k inserts/s (medians 74k to 94k); the cost is memory for timelines of 33-128 entries, 154
 * instead of 62 bytes an entry (timelines past 128 entries are skiplists either way). Set on the server
 * (scripts/services, docker-compose); a server with a larger value is reported at start.
 */
export const TIMELINE_LISTPACK_ENTRIES = 32;

export interface RedisTimelineStoreOptions {
  url: string;
  keyPrefix: string;
  timelineCap?: number;
  recentCap?: number;
  /** Timelines of readers who stopped visiting expire this long after their last visit (0: never). */
  evictAfterSeconds?: number;
  /** Told when the server is not tuned as TIMELINE_LISTPACK_ENTRIES says. */
  logger?: Pick<Logger, 'warn'>;
}

type Scripted = Redis & {
  pushPost(...args: (string | number)[]): Promise<number[]>;
  addRecent(...args: (string | number)[]): Promise<number>;
  mergeRecent(...args: (string | number)[]): Promise<number>;
  removeAuthor(...args: (string | number)[]): Promise<number>;
  followAuthor(...args: (string | number)[]): Promise<number>;
};

/**
 * Timelines in Redis sorted sets. Member `<postId>:<authorId>` (the author lets unfollow remove a
 * person's posts without another lookup), score = creation time in ms; equal scores order by member,
 * i.e. by post id, so (score, member) is the same total order the memory store uses.
 */
export class RedisTimelineStore implements TimelineStore {
  private constructor(
    private readonly redis: Scripted,
    private readonly opts: Required<Omit<RedisTimelineStoreOptions, 'logger'>>,
  ) {}

  static async connect(opts: RedisTimelineStoreOptions): Promise<RedisTimelineStore> {
    const redis = new Redis(opts.url, { keyPrefix: opts.keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.defineCommand('pushPost', { lua: PUSH_POST });
    redis.defineCommand('addRecent', { lua: ADD_RECENT, numberOfKeys: 2 });
    redis.defineCommand('mergeRecent', { lua: MERGE_RECENT });
    redis.defineCommand('removeAuthor', { lua: REMOVE_AUTHOR, numberOfKeys: 3 });
    redis.defineCommand('followAuthor', { lua: FOLLOW, numberOfKeys: 4 });
    await redis.connect();
    const { logger, ...rest } = opts;
    if (logger) await checkTuning(redis, logger);
    return new RedisTimelineStore(redis as Scripted, {
      timelineCap: TIMELINE_CAP,
      recentCap: RECENT_CAP,
      evictAfterSeconds: 0,
      ...rest,
    });
  }

  async pushPost(entry: TimelineEntry, userIds: string[], activeSince: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    const keys = [tomb(entry.postId), SEEN, unfollowed(entry.authorId), ...userIds.map(tl)];
    const args = [member(entry), entry.score, this.opts.timelineCap, activeSince, ...userIds];
    const reached = await this.redis.pushPost(keys.length, ...keys, ...args);
    return reached.map((i) => userIds[i - 1]!);
  }

  async removePost(entry: Pick<TimelineEntry, 'postId' | 'authorId'>, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.zrem(tl(userId), member(entry));
    await exec(pipeline);
  }

  async addRecent(entry: TimelineEntry): Promise<void> {
    await this.redis.addRecent(tomb(entry.postId), rc(entry.authorId), member(entry), entry.score, this.opts.recentCap);
  }

  async deletePost(entry: Pick<TimelineEntry, 'postId' | 'authorId'>): Promise<void> {
    await exec(this.redis.multi().set(tomb(entry.postId), '1', 'EX', TOMBSTONE_TTL_SECONDS).zrem(rc(entry.authorId), member(entry)));
  }

  async mergeRecent(userIds: string[], authorIds: string[]): Promise<void> {
    if (userIds.length === 0 || authorIds.length === 0) return;
    const keys = [...authorIds.map(rc), ...authorIds.map(unfollowed), ...userIds.map(tl)];
    await this.redis.mergeRecent(keys.length, ...keys, this.opts.timelineCap, authorIds.length, ...userIds);
  }

  async follow(userId: string, authorId: string, merge: boolean, change: GraphChange): Promise<boolean> {
    const keys = [edge(userId, authorId), unfollowed(authorId), rc(authorId), tl(userId)];
    const args = [change.at, change.id, userId, EDGE_TTL_SECONDS, this.opts.timelineCap, merge ? 1 : 0];
    return (await this.redis.followAuthor(...keys, ...args)) !== -1;
  }

  async removeAuthor(userId: string, authorId: string, change: GraphChange): Promise<boolean> {
    const keys = [tl(userId), unfollowed(authorId), edge(userId, authorId)];
    return (await this.redis.removeAuthor(...keys, `:${authorId}`, userId, change.at, change.id, EDGE_TTL_SECONDS)) !== -1;
  }

  async read(req: ReadRequest): Promise<TimelineEntry[][]> {
    const keys = req.sources.map(sourceKey);
    let want = req.limit + READ_SLACK;
    const pipeline = this.redis.pipeline();
    for (const key of keys) rangeInto(pipeline, key, req, want);
    const raws = (await exec(pipeline)) as string[][];
    const out = raws.map((raw) => entriesPast(raw, req));
    // Rare: more equal-score entries at the cursor than the slack; read those sources again, wider.
    for (let i = 0; i < keys.length; i++) {
      while (out[i]!.length < req.limit && raws[i]!.length / 2 >= want) {
        want *= 2;
        const again = this.redis.pipeline();
        rangeInto(again, keys[i]!, req, want);
        raws[i] = ((await exec(again)) as string[][])[0]!;
        out[i] = entriesPast(raws[i]!, req);
      }
    }
    return out.map((entries) => entries.slice(0, req.limit));
  }

  async touch(userId: string, now: number): Promise<Visit> {
    const multi = this.redis.multi().hget(SEEN, userId).exists(rebuild(userId)).hset(SEEN, userId, now);
    if (this.opts.evictAfterSeconds > 0) multi.expire(tl(userId), this.opts.evictAfterSeconds);
    const [previous, rebuilding] = (await exec(multi)) as [string | null, number];
    return { previous: previous === null ? null : Number(previous), rebuilding: rebuilding === 1 };
  }

  async setVip(authorId: string, isVip: boolean): Promise<void> {
    await (isVip ? this.redis.sadd(VIPS, authorId) : this.redis.srem(VIPS, authorId));
  }

  async isVip(authorId: string): Promise<boolean> {
    return (await this.redis.sismember(VIPS, authorId)) === 1;
  }

  async cachedVipIds(userId: string): Promise<string[] | null> {
    const [gen, cached] = (await exec(this.redis.pipeline().get(VIP_GEN).get(followedVips(userId)))) as [string | null, string | null];
    if (!cached) return null;
    const parsed = JSON.parse(cached) as { gen: string | null; ids: string[] };
    return parsed.gen === gen ? parsed.ids : null;
  }

  async cacheVipIds(userId: string, vipIds: string[]): Promise<void> {
    const gen = await this.redis.get(VIP_GEN);
    await this.redis.set(followedVips(userId), JSON.stringify({ gen, ids: vipIds }), 'EX', VIP_CACHE_TTL_SECONDS);
  }

  async invalidateVipIds(userId: string): Promise<void> {
    await this.redis.del(followedVips(userId));
  }

  async invalidateAllVipIds(): Promise<void> {
    await this.redis.incr(VIP_GEN);
  }

  async startRebuild(userId: string): Promise<boolean> {
    return (await this.redis.set(rebuild(userId), '1', 'EX', REBUILD_LEASE_SECONDS, 'NX')) === 'OK';
  }

  async finishRebuild(userId: string): Promise<void> {
    await this.redis.del(rebuild(userId));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

const SEEN = 'seen';
const VIPS = 'vips';
const VIP_GEN = 'vipgen';
const tl = (userId: string) => `tl:${userId}`;
const rc = (authorId: string) => `rc:${authorId}`;
const tomb = (postId: string) => `del:${postId}`;
const followedVips = (userId: string) => `fv:${userId}`;
const rebuild = (userId: string) => `rb:${userId}`;
/** Per author: the readers who unfollowed (or blocked) them since they last followed, with when. */
const unfollowed = (authorId: string) => `unf:${authorId}`;
/** The time of the last follow or unfollow applied for this (reader, author) pair. */
const edge = (userId: string, authorId: string) => `edge:${userId}:${authorId}`;
const member = (e: Pick<TimelineEntry, 'postId' | 'authorId'>) => `${e.postId}:${e.authorId}`;
const sourceKey = (s: TimelineSource) => ('timelineOf' in s ? tl(s.timelineOf) : rc(s.recentOf));

/** Reports a server whose sorted-set encoding makes timeline inserts slower than need be (see TIMELINE_LISTPACK_ENTRIES). */
async function checkTuning(redis: Redis, logger: Pick<Logger, 'warn'>): Promise<void> {
  // Managed Redis may refuse CONFIG: then nothing is known, and nothing is said.
  const reply = (await redis.config('GET', 'zset-max-listpack-entries').catch(() => [])) as string[];
  const entries = Number(reply[1]);
  if (entries > TIMELINE_LISTPACK_ENTRIES)
    logger.warn(
      { 'zset-max-listpack-entries': entries, recommended: TIMELINE_LISTPACK_ENTRIES },
      'Redis keeps sorted sets of up to this many entries as listpacks: timeline inserts scan them; set zset-max-listpack-entries 32 on the server',
    );
}

type Pipeline = ReturnType<Redis['pipeline']>;

/** The raw ZRANGE for a read: entries at or past the bound's score (equal scores are filtered after). */
function rangeInto(pipeline: Pipeline, key: string, req: ReadRequest, count: number): void {
  const b: TimelineBound | null = req.bound;
  if (req.direction === 'older') {
    if (b) pipeline.zrange(key, b.score, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES');
    else pipeline.zrange(key, 0, count - 1, 'REV', 'WITHSCORES');
  } else {
    pipeline.zrange(key, b ? b.score : '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, count, 'WITHSCORES');
  }
}

function entriesPast(raw: string[], req: ReadRequest): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const [postId, authorId] = raw[i]!.split(':') as [string, string];
    const e = { postId, authorId, score: Number(raw[i + 1]) };
    if (isPast(e, req.bound, req.direction)) entries.push(e);
  }
  return entries;
}

async function exec(pipeline: Pipeline): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
