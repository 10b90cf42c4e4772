import type { Logger } from '@social/kit';
import type { DegradedNotice } from '../degraded';
import { compareSuggestions, type DiscoveryGraph } from '../stores/discovery-graph';
import type { RelationshipCache } from '../stores/relationship-cache';
import type { SuggestionItem, SuggestionSnapshot, SuggestionStore } from '../stores/suggestion-store';
import type { PopularAccounts } from './popular';
import { Breaker, isOutage, throttled, TimeoutError, withTimeout } from './timeouts';

/**
 * A ranking holds at most this many suggestions: a full page at the maximum page size. People rarely
 * scroll suggestions further, and one ranking is kept per active person (about 12 KB in Redis).
 */
export const MAX_SUGGESTIONS = 100;

/**
 * A ranking is kept this long after it stops being fresh, so someone paging through it when it turns
 * stale (or when the batch job replaces it) still gets the next pages of the same ranking.
 */
export const SNAPSHOT_PAGING_GRACE_MS = 30 * 60_000;

export const snapshotKeepMs = (maxAgeMs: number) => maxAgeMs + SNAPSHOT_PAGING_GRACE_MS;

/** A position in a ranking: the snapshot (v = computedAt ms) and the last item's sort key. */
export interface SuggestionCursor {
  v: number;
  c: number;
  f: number;
  id: string;
}

export interface SuggestionPage {
  items: SuggestionItem[];
  hasNextPage: boolean;
  /** The ranking's computedAt (its version, written into the cursors). */
  computedAt: Date;
  /** Where it came from: a stored ranking, one computed for this request, or the popular list. */
  source: 'stored' | 'computed' | 'popular';
  /** Set when the popular list stands in for an unavailable graph. */
  degraded?: DegradedNotice;
}

export interface SuggestionsDeps {
  discovery: DiscoveryGraph;
  store: SuggestionStore;
  cache: RelationshipCache;
  popular: PopularAccounts;
  logger: Logger;
  /** A stored ranking younger than this is served without recomputing. */
  maxAgeMs: number;
  /** Longer than this and the request gets the popular fallback. */
  timeoutMs: number;
  breaker?: Breaker;
  now?: () => number;
}

/**
 * Follow suggestions. A ranking (snapshot) is computed from the graph (second-degree accounts, then
 * popular ones to fill), stored, and paged by keyset: a cursor names the snapshot and the last item's
 * (count, followers, id), so the next page continues in the same ranking and can neither skip nor
 * repeat, whatever changed in between. Every page is filtered against the graph as it is now
 * (accounts followed or blocked since the ranking was computed drop out at once).
 * When the graph errors or is slower than `timeoutMs`, the answer is the stored popular list,
 * flagged as degraded.
 */
export class Suggestions {
  private readonly breaker: Breaker;
  private readonly now: () => number;
  private readonly warn: (err: unknown, what: string) => void;

  constructor(private readonly d: SuggestionsDeps) {
    this.breaker = d.breaker ?? new Breaker();
    this.now = d.now ?? Date.now;
    this.warn = throttled(10_000, (err, what) => d.logger.warn({ err }, `suggestions: ${what}`));
  }

  async page(viewerId: string | null, limit: number, after: SuggestionCursor | null): Promise<SuggestionPage> {
    if (!viewerId) return this.popularPage(null, limit, after);
    if (this.breaker.isOpen()) return this.popularPage(viewerId, limit, after, 'graph-unavailable');
    const work = this.rankedPage(viewerId, limit, after);
    // Only an outage error trips the breaker, also when it arrives after this request gave up waiting
    // (a refused connection takes the driver ~3 s of retries). A ranking that is merely slow (a person
    // whose followees follow many) must not send everyone else to the fallback: it keeps running and
    // is stored, for this person's next request.
    work.catch((err: unknown) => {
      if (isOutage(err)) this.breaker.trip();
    });
    try {
      return await withTimeout(work, this.d.timeoutMs, 'computing suggestions');
    } catch (err) {
      if (!isOutage(err)) throw err;
      this.warn(err, 'the graph did not answer; serving popular accounts');
      return this.popularPage(viewerId, limit, after, err instanceof TimeoutError ? 'graph-timeout' : 'graph-unavailable');
    }
  }

  /** Computes a ranking from the graph now: second-degree accounts, then popular ones to fill. */
  async compute(viewerId: string): Promise<SuggestionSnapshot> {
    const computedAt = new Date(this.now());
    const ranked = await this.d.discovery.rankSuggestions(viewerId, MAX_SUGGESTIONS);
    if (ranked.length >= MAX_SUGGESTIONS) return { computedAt, items: ranked };
    const have = new Set([viewerId, ...ranked.map((r) => r.userId)]);
    const candidates = (await this.d.popular.accounts()).filter((p) => !have.has(p.userId));
    const excluded = await this.d.discovery.excludedFor(
      viewerId,
      candidates.map((p) => p.userId),
    );
    const fillers = candidates
      .filter((p) => !excluded.has(p.userId))
      .slice(0, MAX_SUGGESTIONS - ranked.length)
      .map((p) => ({ userId: p.userId, count: 0, followers: p.followers, sample: [] }));
    return { computedAt, items: [...ranked, ...fillers] };
  }

  /** The batch job's unit of work: compute and store one person's ranking. */
  async precompute(viewerId: string): Promise<void> {
    await this.d.store.save(viewerId, await this.compute(viewerId));
  }

  private async rankedPage(viewerId: string, limit: number, after: SuggestionCursor | null): Promise<SuggestionPage> {
    let snapshot: SuggestionSnapshot | null = null;
    let source: SuggestionPage['source'] = 'stored';
    if (after) {
      snapshot = await this.fromStore(() => this.d.store.version(viewerId, after.v));
    } else {
      const latest = await this.fromStore(() => this.d.store.latest(viewerId));
      if (latest && this.now() - latest.computedAt.getTime() < this.d.maxAgeMs) snapshot = latest;
    }
    if (!snapshot) {
      // No ranking, a stale one, or the one a cursor named has expired (then the keyset continues in
      // the new ranking: the only case where a page may skip or repeat: a list left unread for longer than it is kept).
      const computed = await this.compute(viewerId);
      source = 'computed';
      const saved = await this.fromStore(() => this.d.store.save(viewerId, computed));
      // Another ranking of the same millisecond was stored first: page over that one, which the
      // cursors of this page will name.
      snapshot =
        saved === false
          ? ((await this.fromStore(() => this.d.store.version(viewerId, computed.computedAt.getTime()))) ?? computed)
          : computed;
    }
    const items: SuggestionItem[] = [];
    let i = after ? firstAfter(snapshot.items, after) : 0;
    while (items.length <= limit && i < snapshot.items.length) {
      const chunk = snapshot.items.slice(i, i + limit + 1 - items.length);
      i += chunk.length;
      const excluded = await this.d.discovery.excludedFor(
        viewerId,
        chunk.map((s) => s.userId),
      );
      items.push(...chunk.filter((s) => s.userId !== viewerId && !excluded.has(s.userId)));
    }
    return { items: items.slice(0, limit), hasNextPage: items.length > limit, computedAt: snapshot.computedAt, source };
  }

  /**
   * The popular list from the store only (the graph may be down). Without the graph the viewer's
   * follows and blocks are unknown, so only the viewer and the VIPs they follow (cached) are dropped.
   */
  private async popularPage(
    viewerId: string | null,
    limit: number,
    after: SuggestionCursor | null,
    reason?: DegradedNotice['reason'],
  ): Promise<SuggestionPage> {
    const degraded: DegradedNotice | undefined = reason ? { field: 'suggestions', reason, fallback: 'popular-accounts' } : undefined;
    const stored = await this.fromStore(() => this.d.popular.stored());
    const followedVips = viewerId ? ((await this.fromStore(() => this.d.cache.getFollowedVips(viewerId)))?.value ?? []) : [];
    const skip = new Set([...(viewerId ? [viewerId] : []), ...followedVips]);
    const all = (stored?.accounts ?? [])
      .filter((p) => !skip.has(p.userId))
      .map((p): SuggestionItem => ({ userId: p.userId, count: 0, followers: p.followers, sample: [] }));
    const start = after ? firstAfter(all, after) : 0;
    const rows = all.slice(start, start + limit + 1);
    return {
      items: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      computedAt: stored?.computedAt ?? new Date(this.now()),
      source: 'popular',
      ...(degraded ? { degraded } : {}),
    };
  }

  /** The store is an optimisation here: when it fails, carry on without it. */
  private async fromStore<T>(op: () => Promise<T>): Promise<T | null> {
    try {
      return await op();
    } catch (err) {
      this.warn(err, 'the suggestion store failed; continuing without it');
      return null;
    }
  }
}

/** Index of the first item strictly after the cursor's position in compareSuggestions order. */
export function firstAfter(items: readonly SuggestionItem[], after: Pick<SuggestionCursor, 'c' | 'f' | 'id'>): number {
  const key = { count: after.c, followers: after.f, userId: after.id };
  const i = items.findIndex((s) => compareSuggestions(s, key) > 0);
  return i < 0 ? items.length : i;
}
