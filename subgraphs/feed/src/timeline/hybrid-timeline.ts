import type { Logger } from '@social/kit';
import type { FollowerSource } from '../sources/follower-source';
import type { FollowingSource } from '../sources/following-source';
import { MAX_LIVE_POST_IDS, type PostSource } from '../sources/post-source';
import { compareNewestFirst, type TimelineEntry, type TimelineSource, type TimelineStore } from '../stores/timeline-store';
import { MAX_AUTHORS_PULLED } from './pull-timeline';
import type { TimelineQuery, TimelineRead, TimelineStrategy } from './timeline-strategy';

/** Authors merged per rebuild script call: bounds one Redis script's run time (~200 posts each). */
const REBUILD_CHUNK = 100;
/**
 * Extra entries read per page so that a page stays full when a few of its posts were deleted moments
 * ago (still listed until the feed consumes post.deleted).
 */
const DELETED_SPARE = 5;
/**
 * Reads per page when more posts than the spare were deleted in a row (a burst of deletions the fan-out
 * has not caught up with): each further read starts past the last entry checked, so the page stays full
 * without ever skipping a live post. Bounded, so a pathological timeline costs at most this many trips.
 */
const MAX_READS_PER_PAGE = 4;

export interface HybridTimelineOptions {
  store: TimelineStore;
  following: FollowingSource;
  followers: FollowerSource;
  /**
   * Filters each page down to live posts (one call per page). Absent: no filter, for benchmarks of
   * the stores alone; the service always passes it.
   */
  posts?: PostSource;
  logger: Logger;
  /** A reader whose last visit is older than this gets their timeline rebuilt. */
  inactiveAfterMs: number;
  /** `push-only` reads the pushed timeline alone (the dispatcher then pushes VIP posts too). */
  pullVips: boolean;
  now?: () => number;
}

/**
 * The HYBRID timeline (fan-out on write for most authors, on read for VIPs): the reader's pushed
 * timeline plus the recent-posts sets of the VIPs they follow, read in one pipelined Redis round trip,
 * merged newest first, deduplicated (a post pushed before its author became a VIP is in both) and cut
 * to the page. Positions are (score, post id), so a post arriving while someone scrolls never shifts a
 * later page. A reader returning after INACTIVE_AFTER_DAYS (pushes skipped them) gets their timeline
 * rebuilt from their followees' recent sets in the background; meanwhile pages say REBUILDING.
 */
export class HybridTimeline implements TimelineStrategy {
  readonly name: string;
  private readonly now: () => number;
  /** Rebuilds started by this process (tests wait for them; shutdown too). */
  readonly rebuilds = new Set<Promise<void>>();

  constructor(private readonly opts: HybridTimelineOptions) {
    this.name = opts.pullVips ? 'hybrid' : 'push-only';
    this.now = opts.now ?? Date.now;
  }

  async read(query: TimelineQuery): Promise<TimelineRead> {
    const { store } = this.opts;
    const [visit, vipIds] = await Promise.all([store.touch(query.viewerId, this.now()), this.vipIds(query.viewerId)]);
    let rebuilding = visit.rebuilding;
    if (visit.previous === null || visit.previous < this.now() - this.opts.inactiveAfterMs) {
      rebuilding = (await this.startRebuild(query.viewerId)) || rebuilding;
    }
    const sources: TimelineSource[] = [{ timelineOf: query.viewerId }, ...vipIds.map((recentOf) => ({ recentOf }))];
    const fetched = Math.min(query.limit + 1 + (this.opts.posts ? DELETED_SPARE : 0), MAX_LIVE_POST_IDS);
    const live: TimelineEntry[] = [];
    let bound = query.bound;
    let more = true; // entries may lie past what has been checked
    for (let read = 0; read < MAX_READS_PER_PAGE && more && live.length <= query.limit; read++) {
      const lists = await store.read({ sources, direction: query.direction, bound, limit: fetched });
      const merged = mergeUnique(lists);
      if (query.direction === 'newer') merged.reverse(); // closest to the bound first
      // The first `fetched` merged entries are complete (every source gave that many or all it had); past them a
      // source may hold entries not read yet, so only these are checked, and the next read starts after them.
      const checked = merged.slice(0, fetched);
      more = merged.length > checked.length || lists.some((l) => l.length >= fetched);
      live.push(...(await this.liveOnly(checked, query.viewerId)));
      const last = checked[checked.length - 1];
      if (!last) break;
      bound = { score: last.score, postId: last.postId };
    }
    const page = live.slice(0, query.limit).map(({ score, postId }) => ({ score, postId }));
    if (query.direction === 'newer') page.reverse();
    // More lie beyond when a live entry is left over, or when entries remain unchecked.
    return { entries: page, hasMore: live.length > query.limit || more, status: rebuilding ? 'REBUILDING' : 'READY' };
  }

  /** Drops posts deleted but not yet removed from timelines (their `node` would be null); a post-subgraph outage is SERVICE_UNAVAILABLE. */
  private async liveOnly(entries: TimelineEntry[], viewerId: string): Promise<TimelineEntry[]> {
    if (!this.opts.posts || entries.length === 0) return entries;
    const ids = entries.map((e) => e.postId);
    const live = new Set(await this.opts.posts.livePostIds(ids, viewerId));
    return entries.filter((e) => live.has(e.postId));
  }

  /** Waits for the rebuilds this process started (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.rebuilds.size) await Promise.all([...this.rebuilds]);
  }

  private async vipIds(viewerId: string): Promise<string[]> {
    if (!this.opts.pullVips) return [];
    const cached = await this.opts.store.cachedVipIds(viewerId);
    if (cached) return cached;
    const fresh = await this.opts.followers.followedVipIds(viewerId);
    await this.opts.store.cacheVipIds(viewerId, fresh);
    return fresh;
  }

  private async startRebuild(viewerId: string): Promise<boolean> {
    if (!(await this.opts.store.startRebuild(viewerId))) return true; // another request is rebuilding it
    const run = this.rebuild(viewerId)
      .catch((err: unknown) => this.opts.logger.error({ err, viewerId }, 'timeline rebuild failed'))
      .then(() => this.opts.store.finishRebuild(viewerId)) // a crash leaves the claim to expire (the lease)
      .catch((err: unknown) => this.opts.logger.warn({ err, viewerId }, 'could not release a rebuild claim'))
      .finally(() => this.rebuilds.delete(run));
    this.rebuilds.add(run);
    return true;
  }

  /** Merges the recent posts of everyone the reader follows (VIPs excepted: they are pulled) and their own. */
  private async rebuild(viewerId: string): Promise<void> {
    const [followees, vips] = await Promise.all([
      this.opts.following.followingIds(viewerId, MAX_AUTHORS_PULLED - 1),
      this.opts.pullVips ? this.opts.followers.followedVipIds(viewerId) : Promise.resolve([]),
    ]);
    const pulled = new Set(vips);
    const authors = [viewerId, ...followees.filter((id) => !pulled.has(id))];
    for (let i = 0; i < authors.length; i += REBUILD_CHUNK) {
      await this.opts.store.mergeRecent([viewerId], authors.slice(i, i + REBUILD_CHUNK));
    }
  }
}

/** k-way merge of lists already in one order: newest first, each post once (an id may be in two lists). */
function mergeUnique(lists: TimelineEntry[][]): TimelineEntry[] {
  const byId = new Map<string, TimelineEntry>();
  for (const list of lists) for (const e of list) byId.set(e.postId, e);
  return [...byId.values()].sort(compareNewestFirst);
}
