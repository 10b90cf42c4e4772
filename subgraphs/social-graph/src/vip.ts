/**
 * VIP status with hysteresis. An account becomes a VIP when its follower count reaches the threshold
 * and stops being one only when the count falls below a lower line. Without the gap, an account at
 * 10,000 followers that gains and loses one follower a minute would switch the feed between push and
 * pull every minute (each switch moves posts between timelines); with it, it takes a real loss of
 * followers to switch back.
 */
export const DEFAULT_VIP_THRESHOLD = 10_000; // the product's default; set VIP_THRESHOLD to move it
export const VIP_EXIT_RATIO = 0.9; // a VIP stays one until below 90% of the threshold: a 10% band absorbs daily churn

export interface VipLines {
  /** Reach this many followers to become a VIP. */
  enterAt: number;
  /** A VIP with fewer followers than this stops being one. */
  exitBelow: number;
}

export function vipLines(threshold: number): VipLines {
  return { enterAt: threshold, exitBelow: threshold * VIP_EXIT_RATIO };
}

/** The status after a follower count change (the Neo4j store computes the same in Cypher). */
export function nextVipStatus(wasVip: boolean, followers: number, lines: VipLines): boolean {
  return wasVip ? followers >= lines.exitBelow : followers >= lines.enterAt;
}
