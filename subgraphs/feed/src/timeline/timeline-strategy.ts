import type { TimelineBound } from '../stores/timeline-store';

/**
 * One way of assembling a home timeline. The resolver only pages through (score, id) positions, so
 * strategies can be swapped by config (TIMELINE_STRATEGY) and compared on the same API: `hybrid`
 * (pushed Redis timelines plus VIP posts pulled at read time), `push-only` and `pull` (the baselines).
 */
export interface TimelineStrategy {
  /** The value of TIMELINE_STRATEGY that selects this strategy. */
  readonly name: string;
  read(query: TimelineQuery): Promise<TimelineRead>;
}

export interface TimelineQuery {
  viewerId: string;
  limit: number;
  /** `older`: the page below `bound` (scrolling down); `newer`: the page just above it (what is new since the top). */
  direction: 'older' | 'newer';
  bound: TimelineBound | null;
}

export interface TimelineRead {
  /** Newest first, whichever the direction. */
  entries: TimelineBound[];
  /** More entries lie further in the direction read. */
  hasMore: boolean;
  /** REBUILDING while a returning reader's timeline is being rebuilt: the page holds what is there so far. */
  status: 'READY' | 'REBUILDING';
}

/** Kept for the pull strategy's own tests and callers: one page of ids below a post id. */
export interface TimelinePage {
  ids: string[];
  hasNext: boolean;
}
