import type { DiscoveryGraph, PopularAccount } from '../stores/discovery-graph';
import type { PopularSnapshot, SuggestionStore } from '../stores/suggestion-store';

/**
 * The popular list is long enough to fill a whole suggestions list (MAX_SUGGESTIONS) after dropping
 * the accounts a person already follows: people tend to follow the most popular accounts first.
 */
export const POPULAR_SIZE = 200;

/**
 * The most followed accounts: the filler after second-degree suggestions run out, the answer for
 * signed-out visitors, and the fallback while Neo4j is unavailable. Computed from Neo4j by a periodic
 * job (one scan of every user, never per request) and kept in the suggestion store (Redis), where it
 * stays readable when Neo4j is not.
 */
export class PopularAccounts {
  private refreshing: Promise<PopularSnapshot> | null = null;

  constructor(
    private readonly discovery: DiscoveryGraph,
    private readonly store: SuggestionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Recomputes and stores the list; concurrent calls share one scan. */
  refresh(): Promise<PopularSnapshot> {
    this.refreshing ??= (async () => {
      const snapshot = { computedAt: new Date(this.now()), accounts: await this.discovery.popular(POPULAR_SIZE) };
      await this.store.savePopular(snapshot);
      return snapshot;
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * The stored list, never waiting for a scan: when there is none (a Redis that lost it), one refresh
   * starts in the background and this answer goes without (a scan of every user must not run inside
   * requests, let alone once per request).
   */
  async stored(): Promise<PopularSnapshot | null> {
    const snapshot = await this.store.popular();
    if (!snapshot) this.refresh().catch(() => undefined);
    return snapshot;
  }

  async accounts(): Promise<PopularAccount[]> {
    return (await this.stored())?.accounts ?? [];
  }
}
