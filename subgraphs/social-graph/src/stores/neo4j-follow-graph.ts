import type { EventPayload } from '@social/events';
import { newId } from '@social/kit';
import type { Integer, ManagedTransaction } from 'neo4j-driver';
import { vipLines, type VipLines } from '../vip';
import {
  NO_STATS,
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
import type { Cypher } from './neo4j-cypher';
import { int, toNumber, type Neo4jDb } from './neo4j-db';
import { writeOutbox } from './neo4j-outbox';
import { outboxRecord, type GraphSubject, type OutboxRecord } from './outbox';

/**
 * Follows and blocks in Neo4j. Each write is one managed transaction: lock both people (id order),
 * inspect, change the relationships, recompute the VIP flag of whoever lost or gained a follower, and
 * write the outbox records. If the driver retries the transaction (a transient error), the whole
 * function runs again with fresh event ids; the failed attempt left nothing behind.
 */
export class Neo4jFollowGraph implements FollowGraph {
  private readonly lines: VipLines;
  private readonly newEventId: () => string;

  constructor(
    private readonly db: Neo4jDb,
    private readonly q: Cypher,
    opts: FollowGraphOptions,
  ) {
    this.lines = vipLines(opts.vipThreshold);
    this.newEventId = opts.newEventId ?? newId;
  }

  follow(followerId: string, followeeId: string, at: Date): Promise<FollowOutcome> {
    return this.db.write(async (tx) => {
      const inspect = await tx.run<{ blockedByB: boolean; aBlocksB: boolean; already: boolean }>(this.q.follow.lockAndInspect, {
        ...this.pair(followerId, followeeId),
      });
      const state = inspect.records[0]!;
      if (state.get('blockedByB')) return { changed: false, events: [], refused: 'blocked-by-followee' };
      if (state.get('aBlocksB')) return { changed: false, events: [], refused: 'follower-blocks-followee' };
      if (state.get('already')) return { changed: false, events: [] };
      await tx.run(this.q.follow.create, { a: followerId, b: followeeId, at: int(at.getTime()) });
      const events = [this.record('user.followed', { followerId, followeeId }), ...(await this.updateVip(tx, [followeeId]))];
      await writeOutbox(tx, this.q, events);
      return { changed: true, events };
    });
  }

  unfollow(followerId: string, followeeId: string): Promise<WriteOutcome> {
    return this.db.write(async (tx) => {
      const result = await tx.run<{ removed: Integer }>(this.q.unfollow, this.pair(followerId, followeeId));
      if (toNumber(result.records[0]?.get('removed') ?? 0) === 0) return { changed: false, events: [] };
      const events = [this.record('user.unfollowed', { followerId, followeeId }), ...(await this.updateVip(tx, [followeeId]))];
      await writeOutbox(tx, this.q, events);
      return { changed: true, events };
    });
  }

  block(blockerId: string, blockedId: string, at: Date): Promise<BlockOutcome> {
    return this.db.write(async (tx) => {
      const created = await tx.run(this.q.block.lockAndCreate, { ...this.pair(blockerId, blockedId), at: int(at.getTime()) });
      if (created.records.length === 0) return { changed: false, events: [], removedFollows: [] };
      const removed = await tx.run<FollowPair>(this.q.block.removeFollows, {
        pairs: [
          { followerId: blockerId, followeeId: blockedId },
          { followerId: blockedId, followeeId: blockerId },
        ],
      });
      const removedFollows = removed.records.map((r) => ({ followerId: r.get('followerId'), followeeId: r.get('followeeId') }));
      const events = [
        this.record('user.blocked', { blockerId, blockedId }),
        ...removedFollows.map((p) => this.record('user.unfollowed', p)),
        ...(await this.updateVip(
          tx,
          removedFollows.map((p) => p.followeeId),
        )),
      ];
      await writeOutbox(tx, this.q, events);
      return { changed: true, events, removedFollows };
    });
  }

  unblock(blockerId: string, blockedId: string): Promise<WriteOutcome> {
    return this.db.write(async (tx) => {
      const result = await tx.run<{ removed: Integer }>(this.q.unblock, this.pair(blockerId, blockedId));
      if (toNumber(result.records[0]?.get('removed') ?? 0) === 0) return { changed: false, events: [] };
      const events = [this.record('user.unblocked', { blockerId, blockedId })];
      await writeOutbox(tx, this.q, events);
      return { changed: true, events };
    });
  }

  followers(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    return this.page(this.q.followers, { userId }, page);
  }

  following(userId: string, page: FollowPage): Promise<FollowEdge[]> {
    return this.page(this.q.following, { userId }, page);
  }

  async stats(userIds: readonly string[]): Promise<Map<string, FollowStats>> {
    const stats = new Map<string, FollowStats>(userIds.map((id) => [id, { ...NO_STATS }]));
    if (userIds.length === 0) return stats;
    const result = await this.db.read((tx) =>
      tx.run<{ id: string; followers: Integer; following: Integer; isVip: boolean }>(this.q.stats, { ids: [...new Set(userIds)] }),
    );
    for (const r of result.records) {
      stats.set(r.get('id'), { followers: toNumber(r.get('followers')), following: toNumber(r.get('following')), isVip: r.get('isVip') });
    }
    return stats;
  }

  isFollowing(pairs: readonly FollowPair[]): Promise<boolean[]> {
    return this.pairs(
      this.q.isFollowing,
      pairs.map((p) => ({ a: p.followerId, b: p.followeeId })),
    );
  }

  isBlocking(pairs: readonly BlockPair[]): Promise<boolean[]> {
    return this.pairs(
      this.q.isBlocking,
      pairs.map((p) => ({ a: p.blockerId, b: p.blockedId })),
    );
  }

  async followingIds(userId: string, limit: number): Promise<string[]> {
    const result = await this.db.read((tx) => tx.run<{ id: string }>(this.q.followingIds, { userId, limit: int(limit) }));
    return result.records.map((r) => r.get('id'));
  }

  async followedVipIds(userId: string, limit: number): Promise<string[]> {
    const result = await this.db.read((tx) => tx.run<{ id: string }>(this.q.followedVipIds, { userId, limit: int(limit) }));
    return result.records.map((r) => r.get('id'));
  }

  /** Parameters naming a pair and the ids to lock, sorted so every transaction locks in the same order. */
  private pair(a: string, b: string) {
    return { a, b, ids: [a, b].sort() };
  }

  private record<S extends GraphSubject>(subject: S, payload: EventPayload<S>): OutboxRecord {
    return outboxRecord(this.newEventId(), subject, payload);
  }

  /** Recomputes the VIP flags of `ids` inside `tx`; returns a user.vip-changed record per change. */
  private async updateVip(tx: ManagedTransaction, ids: string[]): Promise<OutboxRecord[]> {
    if (ids.length === 0) return [];
    const result = await tx.run<{ id: string; followers: Integer; wasVip: boolean; isVip: boolean }>(this.q.updateVip, {
      ids,
      enterAt: this.lines.enterAt,
      exitBelow: this.lines.exitBelow,
    });
    return result.records
      .filter((r) => r.get('wasVip') !== r.get('isVip'))
      .map((r) =>
        this.record('user.vip-changed', { userId: r.get('id'), isVip: r.get('isVip'), followerCount: toNumber(r.get('followers')) }),
      );
  }

  private async pairs(query: string, pairs: { a: string; b: string }[]): Promise<boolean[]> {
    if (pairs.length === 0) return [];
    const result = await this.db.read((tx) => tx.run<{ a: string; b: string }>(query, { pairs }));
    const found = new Set(result.records.map((r) => `${r.get('a')}>${r.get('b')}`));
    return pairs.map((p) => found.has(`${p.a}>${p.b}`));
  }

  private page(query: string, params: Record<string, unknown>, page: FollowPage): Promise<FollowEdge[]> {
    return readFollowPage(this.db, query, params, page);
  }
}

/** One keyset page of a follow list (the discovery graph's mutual follows page the same way). */
export async function readFollowPage(db: Neo4jDb, query: string, params: Record<string, unknown>, page: FollowPage): Promise<FollowEdge[]> {
  const after = page.after ?? null;
  const result = await db.read((tx) =>
    tx.run<{ userId: string; at: Integer }>(query, {
      ...params,
      afterAt: after ? int(after.followedAt.getTime()) : null,
      afterId: after?.userId ?? null,
      limit: int(page.limit),
    }),
  );
  return result.records.map((r) => ({ userId: r.get('userId'), followedAt: new Date(toNumber(r.get('at'))) }));
}
