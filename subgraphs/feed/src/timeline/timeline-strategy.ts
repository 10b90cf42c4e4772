/**
 * One way of assembling a home timeline. The resolver only pages through ids, so strategies can be
 * swapped by config (TIMELINE_STRATEGY) and compared on the same API: the pull strategy today, a hybrid
 * push/pull strategy later.
 */
export interface TimelineStrategy {
  /** The value of TIMELINE_STRATEGY that selects this strategy. */
  readonly name: string;
  /**
   * Up to `limit` post ids for the viewer's home timeline, newest first, all strictly older than the
   * post `after` (a post id; null for the first page). `hasNext` says whether more ids follow.
   */
  page(viewerId: string, limit: number, after: string | null): Promise<TimelinePage>;
}

export interface TimelinePage {
  ids: string[];
  hasNext: boolean;
}
