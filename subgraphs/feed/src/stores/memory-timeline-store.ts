import {
  compareNewestFirst,
  isPast,
  RECENT_CAP,
  TIMELINE_CAP,
  type GraphChange,
  type ReadRequest,
  type TimelineEntry,
  type TimelineStore,
  type Visit,
} from './timeline-store';

type SortedSet = Map<string, TimelineEntry>; // post id -> entry

/** The embedded default and the unit-test double: the Redis store's semantics on plain maps. */
export class MemoryTimelineStore implements TimelineStore {
  private readonly timelines = new Map<string, SortedSet>();
  private readonly recents = new Map<string, SortedSet>();
  private readonly seen = new Map<string, number>();
  private readonly vips = new Set<string>();
  private readonly tombstones = new Set<string>();
  private readonly vipCache = new Map<string, { gen: number; ids: string[] }>();
  private readonly rebuilding = new Set<string>();
  /** `<reader>:<author>` pairs unfollowed since the last follow. */
  private readonly unfollowed = new Set<string>();
  /** Per (reader, author) pair: the time of the last follow or unfollow applied. */
  private readonly edges = new Map<string, GraphChange>();
  private vipGeneration = 0;

  constructor(
    private readonly timelineCap = TIMELINE_CAP,
    private readonly recentCap = RECENT_CAP,
  ) {}

  async pushPost(entry: TimelineEntry, userIds: string[], activeSince: number): Promise<string[]> {
    if (this.tombstones.has(entry.postId)) return [];
    const reached: string[] = [];
    for (const userId of userIds) {
      const last = this.seen.get(userId);
      if (last !== undefined && last < activeSince) continue;
      if (this.unfollowed.has(`${userId}:${entry.authorId}`)) continue;
      add(setOf(this.timelines, userId), [entry], this.timelineCap);
      reached.push(userId);
    }
    return reached;
  }

  async removePost(entry: Pick<TimelineEntry, 'postId'>, userIds: string[]): Promise<void> {
    for (const userId of userIds) this.timelines.get(userId)?.delete(entry.postId);
  }

  async addRecent(entry: TimelineEntry): Promise<void> {
    if (this.tombstones.has(entry.postId)) return;
    add(setOf(this.recents, entry.authorId), [entry], this.recentCap);
  }

  async deletePost(entry: Pick<TimelineEntry, 'postId' | 'authorId'>): Promise<void> {
    this.tombstones.add(entry.postId);
    this.recents.get(entry.authorId)?.delete(entry.postId);
  }

  async mergeRecent(userIds: string[], authorIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const authors = authorIds.filter((a) => !this.unfollowed.has(`${userId}:${a}`));
      const entries = authors.flatMap((a) => [...(this.recents.get(a)?.values() ?? [])]);
      add(setOf(this.timelines, userId), entries, this.timelineCap);
    }
  }

  async follow(userId: string, authorId: string, merge: boolean, change: GraphChange): Promise<boolean> {
    if (!this.applyEdge(userId, authorId, change)) return false;
    this.unfollowed.delete(`${userId}:${authorId}`);
    if (merge) await this.mergeRecent([userId], [authorId]);
    return true;
  }

  async removeAuthor(userId: string, authorId: string, change: GraphChange): Promise<boolean> {
    if (!this.applyEdge(userId, authorId, change)) return false;
    this.unfollowed.add(`${userId}:${authorId}`);
    const timeline = this.timelines.get(userId);
    for (const [postId, e] of timeline ?? []) if (e.authorId === authorId) timeline!.delete(postId);
    return true;
  }

  /** Records a pair's change; false when a change at or after it was applied already (stale). */
  private applyEdge(userId: string, authorId: string, change: GraphChange): boolean {
    const key = `${userId}:${authorId}`;
    const last = this.edges.get(key);
    if (last && (last.at > change.at || (last.at === change.at && last.id >= change.id))) return false;
    this.edges.set(key, { ...change });
    return true;
  }

  async read(req: ReadRequest): Promise<TimelineEntry[][]> {
    return req.sources.map((source) => {
      const set = 'timelineOf' in source ? this.timelines.get(source.timelineOf) : this.recents.get(source.recentOf);
      const sorted = [...(set?.values() ?? [])].sort(compareNewestFirst);
      if (req.direction === 'newer') sorted.reverse();
      return sorted
        .filter((e) => isPast(e, req.bound, req.direction))
        .slice(0, req.limit)
        .map((e) => ({ ...e }));
    });
  }

  async touch(userId: string, now: number): Promise<Visit> {
    const previous = this.seen.get(userId) ?? null;
    this.seen.set(userId, now);
    return { previous, rebuilding: this.rebuilding.has(userId) };
  }

  async setVip(authorId: string, isVip: boolean): Promise<void> {
    if (isVip) this.vips.add(authorId);
    else this.vips.delete(authorId);
  }

  async isVip(authorId: string): Promise<boolean> {
    return this.vips.has(authorId);
  }

  async cachedVipIds(userId: string): Promise<string[] | null> {
    const cached = this.vipCache.get(userId);
    return cached && cached.gen === this.vipGeneration ? [...cached.ids] : null;
  }

  async cacheVipIds(userId: string, vipIds: string[]): Promise<void> {
    this.vipCache.set(userId, { gen: this.vipGeneration, ids: [...vipIds] });
  }

  async invalidateVipIds(userId: string): Promise<void> {
    this.vipCache.delete(userId);
  }

  async invalidateAllVipIds(): Promise<void> {
    this.vipGeneration++;
  }

  async startRebuild(userId: string): Promise<boolean> {
    if (this.rebuilding.has(userId)) return false;
    this.rebuilding.add(userId);
    return true;
  }

  async finishRebuild(userId: string): Promise<void> {
    this.rebuilding.delete(userId);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function setOf(sets: Map<string, SortedSet>, key: string): SortedSet {
  let set = sets.get(key);
  if (!set) sets.set(key, (set = new Map()));
  return set;
}

/** Adds entries and trims the oldest beyond `cap`, as ZADD + ZREMRANGEBYRANK do. */
function add(set: SortedSet, entries: TimelineEntry[], cap: number): void {
  for (const e of entries) set.set(e.postId, { ...e });
  if (set.size <= cap) return;
  const oldestFirst = [...set.values()].sort(compareNewestFirst).reverse();
  for (const e of oldestFirst.slice(0, set.size - cap)) set.delete(e.postId);
}
