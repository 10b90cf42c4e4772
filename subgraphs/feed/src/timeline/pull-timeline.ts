import type { FollowingSource } from '../sources/following-source';
import type { PostSource } from '../sources/post-source';
import { scoreOf } from '../stores/timeline-store';
import type { TimelinePage, TimelineQuery, TimelineRead, TimelineStrategy } from './timeline-strategy';

/** The most a pull can look back for "newer than the top": the post subgraph's `_recentPostIds` cap. */
const MAX_NEWER_PULLED = 101;

/**
 * Authors one pull may merge, the viewer included. It matches the post subgraph's cap on
 * `_recentPostIds(authorIds:)` (5,000, Twitter's own follow limit): one indexed query merges that many
 * authors' posts. Reading past it is exactly the fan-in cost the hybrid feed exists to avoid.
 */
export const MAX_AUTHORS_PULLED = 5_000;

/**
 * The PULL timeline ("fan-out on read"): followees, then their recent posts, merged. On every request
 * it asks the social graph whom the viewer follows, then asks the post subgraph for the newest
 * `limit + 1` live posts by those people and the viewer (Twitter's home timeline shows your own posts
 * too) older than the cursor; the extra one tells whether a next page exists.
 *
 * Nothing is stored, so it is always consistent with the follow graph and with deletions, and costs
 * nothing on write; every read pays for the merge instead. It is kept as a named, selectable strategy
 * (TIMELINE_STRATEGY=pull) because it is the baseline the hybrid push/pull feed (Redis timelines
 * filled by fan-out on write, pull only for very followed authors) will be measured against.
 *
 * Paging seeks by post id (time-ordered), never by offset, so a post published between two page reads
 * is newer than the cursor and cannot shift or repeat anything on the next page.
 */
export class PullTimeline implements TimelineStrategy {
  readonly name = 'pull';

  constructor(
    private readonly following: FollowingSource,
    private readonly posts: PostSource,
  ) {}

  async read(query: TimelineQuery): Promise<TimelineRead> {
    const toEntries = (ids: string[]) => ids.map((postId) => ({ postId, score: scoreOf(postId) }));
    if (query.direction === 'older') {
      const { ids, hasNext } = await this.page(query.viewerId, query.limit, query.bound?.postId ?? null);
      return { entries: toEntries(ids), hasMore: hasNext, status: 'READY' };
    }
    // Newer than the top: the post subgraph only reads downwards, so take the newest posts and keep
    // those above the bound, closest first. Past MAX_NEWER_PULLED new posts the oldest of them are
    // out of reach (the client reloads the first page instead): a known limit of the baseline.
    const newest = (await this.page(query.viewerId, MAX_NEWER_PULLED - 1, null)).ids;
    const above = newest.filter((id) => query.bound === null || id > query.bound.postId);
    return { entries: toEntries(above.slice(-query.limit)), hasMore: above.length > query.limit, status: 'READY' };
  }

  async page(viewerId: string, limit: number, after: string | null): Promise<TimelinePage> {
    const followees = await this.following.followingIds(viewerId, MAX_AUTHORS_PULLED - 1);
    const authorIds = [...new Set([viewerId, ...followees])];
    const fetched = await this.posts.recentPostIds({ authorIds, limit: limit + 1, before: after }, viewerId);
    // Trust but verify the upstream's order and bound: a page must never repeat or go backwards.
    const ids = [...new Set(fetched)].filter((id) => after === null || id < after).sort(newestFirst);
    return { ids: ids.slice(0, limit), hasNext: ids.length > limit };
  }
}

/** Ids are 24-hex ObjectIds of the same length, so string order is time order. */
function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
