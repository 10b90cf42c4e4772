import { newId } from '@social/kit';
import type { EventPayload } from '@social/events';
import { nextVipStatus, vipLines, type VipLines } from '../vip';
import {
  compareNewestFirst,
  isAfter,
  type BlockOutcome,
  type BlockPair,
  type FollowEdge,
  type FollowGraph,
  type FollowGraphOptions,
  type FollowOutcome,
  type FollowPage,
  type FollowPair,
  type FollowStats,
  type WriteOutcome,
} from './follow-graph';
import { compareOldestFirst, outboxRecord, type GraphSubject, type OutboxRecord, type OutboxStore } from './outbox';

type Adjacency = Map<string, Map<string, Date>>;

/**
 * The in-process graph of the embedded default and of unit tests: adjacency maps for both directions
 * of follows and blocks, the VIP flags and the outbox. A write first plans its whole effect (edges,
 * VIP flags, outbox records), checks the outbox ids like Neo4j's unique constraint would, and only then
 * applies it, so a failed write changes nothing: the memory twin of one Neo4j transaction.
 */
export class MemoryFollowGraph implements FollowGraph, OutboxStore {
  /** Exposed to MemoryDiscoveryGraph, which reads the same state. */
  readonly out: Adjacency = new Map();
  readonly in: Adjacency = new Map();
  readonly blocksOut: Adjacency = new Map();
  readonly vips = new Set<string>();
  private readonly outbox = new Map<string, OutboxRecord>();
  private readonly lines: VipLines;
  private readonly newEventId: () => string;
  private closed = false;

  constructor(opts: FollowGraphOptions) {
    this.lines = vipLines(opts.vipThreshold);
    this.newEventId = opts.newEventId ?? newId;
  }

  async follow(followerId: string, followeeId: string, at: Date): Promise<FollowOutcome> {
    this.check();
    if (this.has(this.blocksOut, followeeId, followerId)) return { changed: false, events: [], refused: 'blocked-by-followee' };
    if (this.has(this.blocksOut, followerId, followeeId)) return { changed: false, events: [], refused: 'follower-blocks-followee' };
    if (this.has(this.out, followerId, followeeId)) return { changed: false, events: [] };
    const events = [this.record('user.followed', { followerId, followeeId })];
    const vip = this.vipChange(followeeId, this.degree(this.in, followeeId) + 1, events);
    this.commit(events, () => {
      this.link(followerId, followeeId, at);
      vip();
    });
    return { changed: true, events };
  }

  async unfollow(followerId: string, followeeId: string): Promise<WriteOutcome> {
    this.check();
    if (!this.has(this.out, followerId, followeeId)) return { changed: false, events: [] };
    const events = [this.record('user.unfollowed', { followerId, followeeId })];
    const vip = this.vipChange(followeeId, this.degree(this.in, followeeId) - 1, events);
    this.commit(events, () => {
      this.unlink(followerId, followeeId);
      vip();
    });
    return { changed: true, events };
  }

  async block(blockerId: string, blockedId: string, at: Date): Promise<BlockOutcome> {
    this.check();
    if (this.has(this.blocksOut, blockerId, blockedId)) return { changed: false, events: [], removedFollows: [] };
    const events: OutboxRecord[] = [this.record('user.blocked', { blockerId, blockedId })];
    const removedFollows: FollowPair[] = [
      { followerId: blockerId, followeeId: blockedId },
      { followerId: blockedId, followeeId: blockerId },
    ].filter((p) => this.has(this.out, p.followerId, p.followeeId));
    for (const p of removedFollows) events.push(this.record('user.unfollowed', p));
    const vips = removedFollows.map((p) => this.vipChange(p.followeeId, this.degree(this.in, p.followeeId) - 1, events));
    this.commit(events, () => {
      this.edges(this.blocksOut, blockerId).set(blockedId, new Date(at.getTime()));
      for (const p of removedFollows) this.unlink(p.followerId, p.followeeId);
      for (const apply of vips) apply();
    });
    return { changed: true, events, removedFollows };
  }

  async unblock(blockerId: string, blockedId: string): Promise<WriteOutcome> {
    this.check();
    if (!this.has(this.blocksOut, blockerId, blockedId)) return { changed: false, events: [] };
    const events = [this.record('user.unblocked', { blockerId, blockedId })];
    this.commit(events, () => this.blocksOut.get(blockerId)?.delete(blockedId));
    return { changed: true, events };
  }

  async followers(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    this.check();
    return this.page(this.in.get(userId), page);
  }

  async following(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    this.check();
    return this.page(this.out.get(userId), page);
  }

  async stats(userIds: readonly string[]): Promise<Map<string, FollowStats>> {
    this.check();
    return new Map(
      userIds.map((id) => [id, { followers: this.degree(this.in, id), following: this.degree(this.out, id), isVip: this.vips.has(id) }]),
    );
  }

  async isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]> {
    this.check();
    return pairs.map((p) => this.has(this.out, p.followerId, p.followeeId));
  }

  async isBlocking(pairs: readonly BlockPair[]): Promise<boolean[]> {
    this.check();
    return pairs.map((p) => this.has(this.blocksOut, p.blockerId, p.blockedId));
  }

  async followingIds(userId: string, limit: number): Promise<string[]> {
    return (await this.following(userId, { limit })).map((e) => e.userId);
  }

  async followedVipIds(userId: string, limit: number): Promise<string[]> {
    this.check();
    return [...(this.out.get(userId)?.keys() ?? [])].filter((id) => this.vips.has(id)).slice(0, limit);
  }

  async pending(limit: number): Promise<OutboxRecord[]> {
    this.check();
    return [...this.outbox.values()].sort(compareOldestFirst).slice(0, limit);
  }

  async remove(ids: readonly string[]): Promise<void> {
    this.check();
    for (const id of ids) this.outbox.delete(id);
  }

  async ping(): Promise<void> {
    this.check();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Followers (in) or following (out) count. */
  degree(index: Adjacency, id: string): number {
    return index.get(id)?.size ?? 0;
  }

  private record<S extends GraphSubject>(subject: S, payload: EventPayload<S>): OutboxRecord {
    return outboxRecord(this.newEventId(), subject, payload);
  }

  /** Plans the VIP flag after `followers` changes; the returned function applies it. */
  private vipChange(userId: string, followers: number, events: OutboxRecord[]): () => void {
    const wasVip = this.vips.has(userId);
    const isVip = nextVipStatus(wasVip, followers, this.lines);
    if (isVip === wasVip) return () => undefined;
    events.push(this.record('user.vip-changed', { userId, isVip, followerCount: followers }));
    return () => void (isVip ? this.vips.add(userId) : this.vips.delete(userId));
  }

  /** Like Neo4j's unique constraint on the outbox id: a clash fails the whole write before any change. */
  private commit(events: OutboxRecord[], apply: () => void): void {
    const ids = new Set<string>();
    for (const e of events) {
      if (this.outbox.has(e.id) || ids.has(e.id)) throw new Error(`outbox record ${e.id} already exists`);
      ids.add(e.id);
    }
    apply();
    for (const e of events) this.outbox.set(e.id, e);
  }

  private link(followerId: string, followeeId: string, at: Date): void {
    this.edges(this.out, followerId).set(followeeId, new Date(at.getTime()));
    this.edges(this.in, followeeId).set(followerId, new Date(at.getTime()));
  }

  private unlink(followerId: string, followeeId: string): void {
    this.out.get(followerId)?.delete(followeeId);
    this.in.get(followeeId)?.delete(followerId);
  }

  private has(index: Adjacency, from: string, to: string): boolean {
    return index.get(from)?.has(to) ?? false;
  }

  private page(edges: Map<string, Date> | undefined, page: FollowPage): FollowEdge[] {
    if (!edges) return [];
    return [...edges]
      .map(([userId, at]) => ({ userId, followedAt: new Date(at.getTime()) }))
      .filter((e) => isAfter(e, page.after))
      .sort(compareNewestFirst)
      .slice(0, page.limit);
  }

  private edges(index: Adjacency, id: string): Map<string, Date> {
    let edges = index.get(id);
    if (!edges) index.set(id, (edges = new Map()));
    return edges;
  }

  check(): void {
    if (this.closed) throw new Error('follow graph is closed');
  }
}
