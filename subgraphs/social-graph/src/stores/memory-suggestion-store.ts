import { randomUUID } from 'node:crypto';
import type { PopularSnapshot, SuggestionSnapshot, SuggestionStore } from './suggestion-store';

export interface MemorySuggestionStoreOptions {
  /** How long a snapshot is kept after it is saved (cursors into it work that long). */
  keepMs: number;
  now?: () => number;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Suggestions of the embedded default: maps with expiry times, same semantics as Redis. */
export class MemorySuggestionStore implements SuggestionStore {
  private readonly snapshots = new Map<string, { snapshot: SuggestionSnapshot; expiresAt: number }>();
  private readonly latestVersion = new Map<string, number>();
  private popularSnapshot: PopularSnapshot | null = null;
  private readonly seen = new Map<string, number>();
  private readonly locks = new Map<string, { token: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: MemorySuggestionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  async latest(userId: string): Promise<SuggestionSnapshot | null> {
    const v = this.latestVersion.get(userId);
    return v === undefined ? null : this.version(userId, v);
  }

  async version(userId: string, computedAtMs: number): Promise<SuggestionSnapshot | null> {
    const entry = this.snapshots.get(`${userId}:${computedAtMs}`);
    if (!entry || entry.expiresAt <= this.now()) return null;
    return clone(entry.snapshot);
  }

  async save(userId: string, snapshot: SuggestionSnapshot): Promise<boolean> {
    const v = snapshot.computedAt.getTime();
    if (await this.version(userId, v)) return false;
    this.snapshots.set(`${userId}:${v}`, { snapshot: clone(snapshot), expiresAt: this.now() + this.opts.keepMs });
    this.latestVersion.set(userId, v);
    for (const [key, entry] of this.snapshots) if (entry.expiresAt <= this.now()) this.snapshots.delete(key);
    return true;
  }

  async popular(): Promise<PopularSnapshot | null> {
    return this.popularSnapshot && clone(this.popularSnapshot);
  }

  async savePopular(snapshot: PopularSnapshot): Promise<void> {
    this.popularSnapshot = clone(snapshot);
  }

  async markActive(userIds: readonly string[], at: Date): Promise<void> {
    for (const id of userIds) this.seen.set(id, Math.max(this.seen.get(id) ?? 0, at.getTime()));
  }

  async activeSince(since: Date): Promise<string[]> {
    return [...this.seen]
      .filter(([, at]) => at >= since.getTime())
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => id);
  }

  async forgetInactive(before: Date): Promise<number> {
    let n = 0;
    for (const [id, at] of this.seen) {
      if (at >= before.getTime()) continue;
      this.seen.delete(id);
      n++;
    }
    return n;
  }

  async tryLock(name: string, ttlMs: number): Promise<string | null> {
    const held = this.locks.get(name);
    if (held && held.expiresAt > this.now()) return null;
    const token = randomUUID();
    this.locks.set(name, { token, expiresAt: this.now() + ttlMs });
    return token;
  }

  async unlock(name: string, token: string): Promise<void> {
    if (this.locks.get(name)?.token === token) this.locks.delete(name);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
