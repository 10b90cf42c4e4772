import type { Integer } from 'neo4j-driver';
import {
  MAX_FOLLOWEES_WALKED,
  SUGGESTION_SAMPLE_SIZE,
  type DiscoveryGraph,
  type FollowedBy,
  type PopularAccount,
  type RankedCandidate,
} from './discovery-graph';
import type { FollowEdge, FollowPage } from './follow-graph';
import type { Cypher } from './neo4j-cypher';
import { int, NEO4J_BATCH_TX_TIMEOUT_MS, toNumber, type Neo4jDb } from './neo4j-db';
import { readFollowPage } from './neo4j-follow-graph';

/** Two-step graph questions in Cypher (the statements and their plans are in neo4j-cypher.ts). */
export class Neo4jDiscoveryGraph implements DiscoveryGraph {
  constructor(
    private readonly db: Neo4jDb,
    private readonly q: Cypher,
  ) {}

  mutualFollows(userId: string, otherId: string, page: FollowPage): Promise<FollowEdge[]> {
    return readFollowPage(this.db, this.q.mutualFollows, { userId, otherId }, page);
  }

  async followedBy(viewerId: string, profileIds: readonly string[], sampleSize: number): Promise<Map<string, FollowedBy>> {
    const result = new Map<string, FollowedBy>(profileIds.map((id) => [id, { total: 0, sample: [] }]));
    if (profileIds.length === 0) return result;
    const rows = await this.db.read((tx) =>
      tx.run<{ pid: string; total: Integer; sample: string[] }>(this.q.followedBy, {
        viewerId,
        ids: [...new Set(profileIds)],
        sampleSize: int(sampleSize),
      }),
    );
    for (const r of rows.records) result.set(r.get('pid'), { total: toNumber(r.get('total')), sample: r.get('sample') });
    return result;
  }

  async rankSuggestions(viewerId: string, limit: number): Promise<RankedCandidate[]> {
    const rows = await this.db.read((tx) =>
      tx.run<{ userId: string; count: Integer; followers: Integer; sample: string[] }>(this.q.rankSuggestions, {
        viewerId,
        limit: int(limit),
        maxFollowees: int(MAX_FOLLOWEES_WALKED),
        sampleSize: int(SUGGESTION_SAMPLE_SIZE),
      }),
    );
    return rows.records.map((r) => ({
      userId: r.get('userId'),
      count: toNumber(r.get('count')),
      followers: toNumber(r.get('followers')),
      sample: r.get('sample'),
    }));
  }

  async excludedFor(viewerId: string, candidateIds: readonly string[]): Promise<Set<string>> {
    if (candidateIds.length === 0) return new Set();
    const rows = await this.db.read((tx) => tx.run<{ cid: string }>(this.q.excludedFor, { viewerId, ids: [...new Set(candidateIds)] }));
    return new Set(rows.records.map((r) => r.get('cid')));
  }

  async popular(limit: number): Promise<PopularAccount[]> {
    const rows = await this.db.read(
      (tx) => tx.run<{ userId: string; followers: Integer }>(this.q.popular, { limit: int(limit) }),
      NEO4J_BATCH_TX_TIMEOUT_MS, // a scan of every user, run by the periodic job only
    );
    return rows.records.map((r) => ({ userId: r.get('userId'), followers: toNumber(r.get('followers')) }));
  }
}
