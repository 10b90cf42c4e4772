import type { Rng } from './prng';

/**
 * ObjectIds built from their parts, as MongoDB's driver does (4-byte seconds, 5 bytes that name the
 * process, 3-byte counter), but deterministic: the 5 "process" bytes come from the seeded stream and
 * the counter is the rank in creation order. Ids handed out in creation order therefore sort exactly
 * like their createdAt (to the millisecond, not just the second), which is what every "newest first by
 * id" query in the project relies on.
 */
export class IdFactory {
  private readonly process: string;
  private readonly counterStart: number;

  constructor(rng: Rng, count: number) {
    if (count > 0xffffff) throw new Error(`at most ${0xffffff} ids per factory (3-byte counter)`);
    let hex = '';
    for (let i = 0; i < 5; i++) hex += (rng.nextU32() & 0xff).toString(16).padStart(2, '0');
    this.process = hex;
    // A seeded start, but low enough that the counter never wraps (a wrap would break the order).
    this.counterStart = rng.int(0x1000000 - count);
  }

  /** The id of the `rank`-th entity in creation order, created at `ms`. */
  id(rank: number, ms: number): string {
    const seconds = Math.floor(ms / 1000);
    return seconds.toString(16).padStart(8, '0') + this.process + (this.counterStart + rank).toString(16).padStart(6, '0');
  }
}
