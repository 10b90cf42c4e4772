import type { Logger } from '@social/kit';
import type { TimelineStrategyName } from '../config';
import type { FollowerSource } from '../sources/follower-source';
import type { FollowingSource } from '../sources/following-source';
import type { PostSource } from '../sources/post-source';
import type { TimelineStore } from '../stores/timeline-store';
import { HybridTimeline } from './hybrid-timeline';
import { PullTimeline } from './pull-timeline';
import type { TimelineStrategy } from './timeline-strategy';

export interface TimelineSources {
  following: FollowingSource;
  posts: PostSource;
  followers: FollowerSource;
  /** Required by `hybrid` and `push-only`. */
  store?: TimelineStore;
  logger: Logger;
  inactiveAfterMs: number;
}

/** Picks the strategy TIMELINE_STRATEGY names; the switch fails to compile when a name has no case. */
export function createTimeline(name: TimelineStrategyName, sources: TimelineSources): TimelineStrategy {
  switch (name) {
    case 'pull':
      return new PullTimeline(sources.following, sources.posts);
    case 'hybrid':
    case 'push-only': {
      if (!sources.store) throw new Error(`TIMELINE_STRATEGY=${name} needs a timeline store`);
      const { store, following, followers, posts, logger, inactiveAfterMs } = sources;
      return new HybridTimeline({ store, following, followers, posts, logger, inactiveAfterMs, pullVips: name === 'hybrid' });
    }
    default: {
      const unknown: never = name;
      throw new Error(`Unknown TIMELINE_STRATEGY "${String(unknown)}"`);
    }
  }
}
