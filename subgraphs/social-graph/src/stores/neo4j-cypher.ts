import type { Labels } from './neo4j-db';

/**
 * Every Cypher statement of the Neo4j stores, in one place so a test can EXPLAIN each of them and
 * check the planner seeks users through the unique index (NodeUniqueIndexSeek) instead of scanning
 * (see test/query-plans.int.test.ts). Only validated labels are interpolated; values are parameters.
 *
 * Graph shape: (:User {id, isVip?})-[:FOLLOWS {at}]->(:User), (:User)-[:BLOCKS {at}]->(:User), and
 * (:Outbox {id, subject, payload, createdAt}) records. `at` and `createdAt` are epoch milliseconds.
 * `isVip` is stored only while true, so ordinary nodes carry no flag.
 */
export function cypher({ user: U, outbox: O }: Labels) {
  /** Keyset over (at DESC, id DESC) of `r` and `o`, shared by every follow list. */
  const keyset = `($afterAt IS NULL OR r.at < $afterAt OR (r.at = $afterAt AND o.id < $afterId))`;
  /**
   * Write locks on both people, taken in id order (so two writes on the same pair in opposite
   * directions cannot deadlock). Follow, unfollow, block and unblock of one pair therefore run one
   * at a time, which is what makes "no follow while a block exists" and the VIP flag exact.
   */
  const lock = (how: 'MERGE' | 'MATCH') => `UNWIND $ids AS lockId ${how} (n:${U} {id: lockId}) SET n._lock = true REMOVE n._lock`;

  return {
    follow: {
      lockAndInspect: `${lock('MERGE')}
        WITH count(n) AS locked
        MATCH (a:${U} {id: $a}), (b:${U} {id: $b})
        RETURN EXISTS { (b)-[:BLOCKS]->(a) } AS blockedByB, EXISTS { (a)-[:BLOCKS]->(b) } AS aBlocksB,
               EXISTS { (a)-[:FOLLOWS]->(b) } AS already`,
      create: `MATCH (a:${U} {id: $a}), (b:${U} {id: $b}) CREATE (a)-[:FOLLOWS {at: $at}]->(b)`,
    },
    unfollow: `${lock('MATCH')}
      WITH count(n) AS locked
      MATCH (:${U} {id: $a})-[r:FOLLOWS]->(:${U} {id: $b})
      DELETE r
      RETURN count(r) AS removed`,
    block: {
      lockAndCreate: `${lock('MERGE')}
        WITH count(n) AS locked
        MATCH (a:${U} {id: $a}), (b:${U} {id: $b})
        WHERE NOT EXISTS { (a)-[:BLOCKS]->(b) }
        CREATE (a)-[:BLOCKS {at: $at}]->(b)
        RETURN true AS created`,
      removeFollows: `UNWIND $pairs AS p
        MATCH (:${U} {id: p.followerId})-[r:FOLLOWS]->(:${U} {id: p.followeeId})
        DELETE r
        RETURN p.followerId AS followerId, p.followeeId AS followeeId`,
    },
    unblock: `${lock('MATCH')}
      WITH count(n) AS locked
      MATCH (:${U} {id: $a})-[x:BLOCKS]->(:${U} {id: $b})
      DELETE x
      RETURN count(x) AS removed`,
    /** Recomputes the VIP flag of people whose follower count just changed; reports every change. */
    updateVip: `UNWIND $ids AS uid
      MATCH (u:${U} {id: uid})
      WITH u, uid, COUNT { (u)<-[:FOLLOWS]-() } AS followers, coalesce(u.isVip, false) AS wasVip
      WITH u, uid, followers, wasVip,
           CASE WHEN wasVip THEN followers >= $exitBelow ELSE followers >= $enterAt END AS isVip
      FOREACH (_ IN CASE WHEN isVip <> wasVip THEN [1] ELSE [] END | SET u.isVip = CASE WHEN isVip THEN true ELSE null END)
      RETURN uid AS id, followers, wasVip, isVip`,
    followers: `MATCH (:${U} {id: $userId})<-[r:FOLLOWS]-(o:${U})
      WHERE ${keyset}
      RETURN o.id AS userId, r.at AS at ORDER BY at DESC, userId DESC LIMIT $limit`,
    following: `MATCH (:${U} {id: $userId})-[r:FOLLOWS]->(o:${U})
      WHERE ${keyset}
      RETURN o.id AS userId, r.at AS at ORDER BY at DESC, userId DESC LIMIT $limit`,
    stats: `UNWIND $ids AS uid
      MATCH (u:${U} {id: uid})
      RETURN uid AS id, COUNT { (u)<-[:FOLLOWS]-() } AS followers, COUNT { (u)-[:FOLLOWS]->() } AS following,
             coalesce(u.isVip, false) AS isVip`,
    isFollowing: `UNWIND $pairs AS p
      MATCH (:${U} {id: p.a})-[:FOLLOWS]->(:${U} {id: p.b})
      RETURN p.a AS a, p.b AS b`,
    isBlocking: `UNWIND $pairs AS p
      MATCH (:${U} {id: p.a})-[:BLOCKS]->(:${U} {id: p.b})
      RETURN p.a AS a, p.b AS b`,
    followingIds: `MATCH (:${U} {id: $userId})-[r:FOLLOWS]->(o:${U})
      RETURN o.id AS id ORDER BY r.at DESC, o.id DESC LIMIT $limit`,
    followedVipIds: `MATCH (:${U} {id: $userId})-[:FOLLOWS]->(o:${U})
      WHERE o.isVip = true
      RETURN o.id AS id LIMIT $limit`,
    mutualFollows: `MATCH (:${U} {id: $userId})-[r:FOLLOWS]->(o:${U})<-[:FOLLOWS]-(:${U} {id: $otherId})
      WHERE ${keyset}
      RETURN o.id AS userId, r.at AS at ORDER BY at DESC, userId DESC LIMIT $limit`,
    followedBy: `MATCH (v:${U} {id: $viewerId})
      UNWIND $ids AS pid
      MATCH (p:${U} {id: pid})
      CALL (v, p) {
        MATCH (v)-[:FOLLOWS]->(f:${U})-[:FOLLOWS]->(p)
        WITH f, COUNT { (f)<-[:FOLLOWS]-() } AS fc
        ORDER BY fc DESC, f.id ASC
        RETURN count(f) AS total, collect(f.id)[..$sampleSize] AS sample
      }
      RETURN pid, total, sample`,
    /**
     * Two steps out from the viewer's most recent followees. Degrees (COUNT {}) come from the node's
     * relationship counts, so ranking by follower count does not read the followers themselves.
     */
    rankSuggestions: `MATCH (v:${U} {id: $viewerId})-[r:FOLLOWS]->(f:${U})
      WITH v, f ORDER BY r.at DESC LIMIT $maxFollowees
      MATCH (f)-[:FOLLOWS]->(c:${U})
      WHERE c <> v AND NOT EXISTS { (v)-[:FOLLOWS]->(c) } AND NOT EXISTS { (v)-[:BLOCKS]-(c) }
      WITH c, count(f) AS n, collect(f.id)[..$sampleSize] AS sample
      WITH c, n, sample, COUNT { (c)<-[:FOLLOWS]-() } AS followers
      RETURN c.id AS userId, n AS count, followers, sample
      ORDER BY count DESC, followers DESC, userId ASC
      LIMIT $limit`,
    excludedFor: `MATCH (v:${U} {id: $viewerId})
      UNWIND $ids AS cid
      MATCH (c:${U} {id: cid})
      WHERE EXISTS { (v)-[:FOLLOWS]->(c) } OR EXISTS { (v)-[:BLOCKS]-(c) }
      RETURN cid`,
    /** The one query that reads every user: run by the periodic popular-accounts job, never per request. */
    popular: `MATCH (u:${U})
      WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
      WHERE followers > 0
      RETURN u.id AS userId, followers ORDER BY followers DESC, userId ASC LIMIT $limit`,
    outbox: {
      write: `UNWIND $records AS rec CREATE (o:${O}) SET o = rec`,
      // `createdAt IS NOT NULL` lets the planner read the range index in order instead of sorting all records.
      pending: `MATCH (o:${O}) WHERE o.createdAt IS NOT NULL
        RETURN o.id AS id, o.subject AS subject, o.payload AS payload, o.createdAt AS createdAt
        ORDER BY o.createdAt, o.id LIMIT $limit`,
      remove: `UNWIND $ids AS oid MATCH (o:${O} {id: oid}) DELETE o`,
    },
  };
}

export type Cypher = ReturnType<typeof cypher>;
