import type { TimelineStrategy } from './timeline/timeline-strategy';

/** Per request: who is calling (verified from the internal signature) and the timeline strategy. */
export interface Context {
  /** The calling process, e.g. "gateway". */
  caller: string;
  /** The signed-in person, or null when signed out. */
  viewerId: string | null;
  timeline: TimelineStrategy;
}
