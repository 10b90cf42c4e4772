import type { TimelineStrategyName } from '../config';
import type { FollowingSource } from '../sources/following-source';
import type { PostSource } from '../sources/post-source';
import { PullTimeline } from './pull-timeline';
import type { TimelineStrategy } from './timeline-strategy';

export interface TimelineSources {
  following: FollowingSource;
  posts: PostSource;
}

/** Picks the strategy TIMELINE_STRATEGY names; the switch fails to compile when a name has no case. */
export function createTimeline(name: TimelineStrategyName, sources: TimelineSources): TimelineStrategy {
  switch (name) {
    case 'pull':
      return new PullTimeline(sources.following, sources.posts);
    default: {
      const unknown: never = name;
      throw new Error(`Unknown TIMELINE_STRATEGY "${String(unknown)}"`);
    }
  }
}
