/**
 * Where the hybrid feed keeps its state: one capped, time-ordered timeline per reader (posts pushed to
 * them), one capped recent-posts set per author (read at view time for VIPs, merged on follow and on
 * rebuild), the readers' last visits, the VIP authors, cached "VIPs I follow" lists and tombstones of
 * deleted posts. Every write is idempotent: replaying an event or a batch leaves the same state.
 */

/**
 * Posts kept per timeline. 800 is Twitter's own home-timeline cap (Krikorian, "Timelines at Scale",
 * 2013): forty 20-post pages, far more than anyone scrolls in one sitting, while bounding a timeline
 * to ~60 KB of Redis so a million readers fit in tens of GB. Older posts are still reachable on
 * profiles; the home timeline simply ends.
 */
export const TIMELINE_CAP = 800;
/** Posts kept per author's recent set: what a new follower gets merged in (the "up to 200"). */
export const RECENT_CAP = 200;

/** One post in a timeline or recent set. `score` orders it (creation time in ms); ties break on the post id. */
export interface TimelineEntry {
  postId: string;
  authorId: string;
  score: number;
}

/** A position between entries: the cursor of the last post seen (its score and id). */
export interface TimelineBound {
  score: number;
  postId: string;
}

/**
 * A follow graph change: when it happened (ms, the social graph's write time) and its event id, which
 * orders two changes of one pair in the same millisecond (ids from one writer increase).
 */
export interface GraphChange {
  at: number;
  id: string;
}

export interface Visit {
  previous: number | null;
  rebuilding: boolean;
}

/** Which sorted set to read: a reader's pushed timeline or an author's recent posts. */
export type TimelineSource = { timelineOf: string } | { recentOf: string };

export interface ReadRequest {
  sources: TimelineSource[];
  /** `older`: entries strictly below `bound` (newest first); `newer`: strictly above it (oldest first). */
  direction: 'older' | 'newer';
  bound: TimelineBound | null;
  /** Entries wanted from each source. */
  limit: number;
}

export interface TimelineStore {
  /**
   * Pushes one post into the timelines of `userIds` who are active (last visit at or after
   * `activeSince`, or never seen: a new account), trimming each to TIMELINE_CAP. Does nothing when the
   * post has a tombstone. Returns the readers reached.
   */
  pushPost(entry: TimelineEntry, userIds: string[], activeSince: number): Promise<string[]>;
  /** Removes a post from the timelines of `userIds`. */
  removePost(entry: Pick<TimelineEntry, 'postId' | 'authorId'>, userIds: string[]): Promise<void>;
  /** Adds a post to its author's recent set (capped at RECENT_CAP) unless it has a tombstone. */
  addRecent(entry: TimelineEntry): Promise<void>;
  /** Marks a post deleted (a tombstone that blocks late pushes) and removes it from its author's recent set. */
  deletePost(entry: Pick<TimelineEntry, 'postId' | 'authorId'>): Promise<void>;
  /**
   * Copies the recent sets of `authorIds` into each of `userIds`' timelines, trimming to the cap; skips
   * a (reader, author) pair with an unfollow marker.
   */
  mergeRecent(userIds: string[], authorIds: string[]): Promise<void>;
  /**
   * `userId` follows `authorId` (again) as of `change`: clears the unfollow marker, then merges the
   * author's recent set when `merge`. Changes nothing and returns false when a change of this pair at or
   * after `change` was applied already: a follow delivered late (redelivered after a failure, or handled
   * by another dispatcher instance) never undoes a newer unfollow.
   */
  follow(userId: string, authorId: string, merge: boolean, change: GraphChange): Promise<boolean>;
  /**
   * Removes every post by `authorId` from `userId`'s timeline (unfollow, block) as of `change` and leaves an
   * unfollow marker: a push or merge batch cut before the unfollow and applied after it skips this
   * reader. Like `follow`, returns false and changes nothing when a newer change of the pair was applied.
   */
  removeAuthor(userId: string, authorId: string, change: GraphChange): Promise<boolean>;
  /** One pipelined read of several sources; each answer holds up to `limit` entries past the bound, in order. */
  read(req: ReadRequest): Promise<TimelineEntry[][]>;
  /** Records a visit at `now`; returns the previous one (null: never seen) and whether a rebuild is running. */
  touch(userId: string, now: number): Promise<Visit>;
  setVip(authorId: string, isVip: boolean): Promise<void>;
  isVip(authorId: string): Promise<boolean>;
  /** The cached "VIPs this reader follows" list, or null when absent or outdated. */
  cachedVipIds(userId: string): Promise<string[] | null>;
  cacheVipIds(userId: string, vipIds: string[]): Promise<void>;
  /** Drops one reader's cached VIP list (follow, unfollow, block). */
  invalidateVipIds(userId: string): Promise<void>;
  /** Drops every cached VIP list at once (someone's VIP status changed): bumps a generation number. */
  invalidateAllVipIds(): Promise<void>;
  /** Claims the rebuild of a reader's timeline; false when one is already running. */
  startRebuild(userId: string): Promise<boolean>;
  finishRebuild(userId: string): Promise<void>;
  /** Throws when the store cannot serve (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Newest first: score, then post id (ids are time-ordered, so this is creation order). */
export function compareNewestFirst(a: TimelineBound, b: TimelineBound): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0;
}

/** True when `e` lies strictly past `bound` in the reading direction. */
export function isPast(e: TimelineBound, bound: TimelineBound | null, direction: 'older' | 'newer'): boolean {
  if (!bound) return true;
  const c = compareNewestFirst(e, bound); // > 0: e comes after bound, i.e. is older
  return direction === 'older' ? c > 0 : c < 0;
}

/** The score of a post: its creation time in ms (from the event), else its ObjectId's second. */
export function scoreOf(postId: string, createdAt?: string): number {
  const ms = createdAt ? Date.parse(createdAt) : NaN;
  return Number.isFinite(ms) ? ms : parseInt(postId.slice(0, 8), 16) * 1000;
}
