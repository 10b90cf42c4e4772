import { newId } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { discoveryGraphContract } from './discovery-graph.contract';
import { followGraphContract } from './follow-graph.contract';
import { createNeo4jDriver, Neo4jDb, schemaNames } from './neo4j-db';
import { neo4jGraphStores } from './graph-stores';
import { outboxContract } from './outbox.contract';
import { neo4jTestGraphs } from '../testing/neo4j';
import { freePort } from '../testing/ports';

const { neo4jUri } = realServers();
const graphs = neo4jTestGraphs(neo4jUri);
afterAll(() => graphs.cleanUp());

const make = (opts: Parameters<typeof graphs.make>[0]) => graphs.make(opts);
followGraphContract('neo4j', make);
discoveryGraphContract('neo4j', make);
outboxContract('neo4j', make);

describe('Neo4j graph stores on a real server', () => {
  it('stores one relationship with an integer time, and the constraints and index the queries rely on', async () => {
    const prefix = uniqueName('sg');
    const stores = await graphs.make({ vipThreshold: 1_000 }, prefix);
    const driver = createNeo4jDriver({ uri: neo4jUri });
    try {
      const [a, b] = [newId(), newId()];
      await Promise.all([
        stores.follows.follow(a, b, new Date(1_700_000_000_123)),
        stores.follows.follow(a, b, new Date(1_700_000_000_456)),
      ]);
      const { records } = await driver.executeQuery(
        `MATCH (:\`${prefix}User\` {id: $a})-[r:FOLLOWS]->(:\`${prefix}User\` {id: $b}) RETURN r.at AS at, count(*) AS n`,
        { a, b },
      );
      expect(records).toHaveLength(1);
      expect(records[0]!.get('n').toNumber()).toBe(1);
      expect(['1700000000123', '1700000000456']).toContain(records[0]!.get('at').toString()); // an Integer, not a float
      const names = schemaNames(prefix);
      const constraints = await driver.executeQuery(
        `SHOW CONSTRAINTS YIELD name, type WHERE name IN $names RETURN name, type ORDER BY name`,
        {
          names: [names.userId, names.outboxId],
        },
      );
      expect(constraints.records.map((r) => [r.get('name'), r.get('type')])).toEqual([
        [names.outboxId, 'UNIQUENESS'],
        [names.userId, 'UNIQUENESS'],
      ]);
      const indexes = await driver.executeQuery(`SHOW INDEXES YIELD name, type WHERE name = $name RETURN type`, {
        name: names.outboxCreatedAt,
      });
      expect(indexes.records.map((r) => r.get('type'))).toEqual(['RANGE']);
      await stores.db.ensureSchema(); // a second start is a no-op
    } finally {
      await driver.close();
      await stores.close();
    }
  });

  it('label prefixes isolate graphs sharing one database', async () => {
    const [one, two] = [await graphs.make({ vipThreshold: 1_000 }), await graphs.make({ vipThreshold: 1_000 })];
    try {
      const [a, b] = [newId(), newId()];
      await one.follows.follow(a, b, new Date());
      expect(await two.follows.isFollowing([{ followerId: a, followeeId: b }])).toEqual([false]);
      expect((await two.follows.stats([b])).get(b)).toEqual({ followers: 0, following: 0, isVip: false });
      expect(await two.outbox.pending(10)).toEqual([]);
      expect((await two.follows.follow(a, b, new Date())).changed).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a server that is not there gives SERVICE_UNAVAILABLE within a few seconds, not a hang', async () => {
    const port = await freePort();
    const stores = neo4jGraphStores(new Neo4jDb(createNeo4jDriver({ uri: `bolt://127.0.0.1:${port}` }), uniqueName('sg')), {
      vipThreshold: 10,
    });
    try {
      for (const attempt of [
        () => stores.follows.follow(newId(), newId(), new Date()),
        () => stores.follows.unfollow(newId(), newId()),
        () => stores.follows.block(newId(), newId(), new Date()),
      ]) {
        const started = Date.now();
        await expect(attempt()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
        expect(Date.now() - started).toBeLessThan(6_000);
      }
      await expect(stores.ping()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      await stores.close();
    }
  });
});
