import { newId } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { followGraphContract } from './follow-graph.contract';
import { createNeo4jDriver, Neo4jFollowGraph } from './neo4j-follow-graph';
import { freePort } from '../testing/ports';

const { neo4jUri } = realServers();
const prefixes: string[] = [];

async function makeGraph(prefix = uniqueName('sg')): Promise<Neo4jFollowGraph> {
  prefixes.push(prefix);
  const graph = new Neo4jFollowGraph(createNeo4jDriver({ uri: neo4jUri }), prefix);
  await graph.ensureSchema();
  return graph;
}

// Neo4j community has one database: remove this run's labelled nodes and constraints afterwards.
afterAll(async () => {
  const driver = createNeo4jDriver({ uri: neo4jUri });
  try {
    for (const prefix of prefixes) {
      await driver.executeQuery(`MATCH (n:\`${prefix}User\`) DETACH DELETE n`);
      await driver.executeQuery(`DROP CONSTRAINT \`${prefix}User_id_unique\` IF EXISTS`);
    }
  } finally {
    await driver.close();
  }
});

followGraphContract('neo4j', () => makeGraph());

describe('Neo4jFollowGraph on a real server', () => {
  it('stores one relationship with an integer time, and a unique constraint on the id', async () => {
    const prefix = uniqueName('sg');
    const graph = await makeGraph(prefix);
    const driver = createNeo4jDriver({ uri: neo4jUri });
    try {
      const [a, b] = [newId(), newId()];
      await Promise.all([graph.follow(a, b, new Date(1_700_000_000_123)), graph.follow(a, b, new Date(1_700_000_000_456))]);
      const { records } = await driver.executeQuery(
        `MATCH (:\`${prefix}User\` {id: $a})-[r:FOLLOWS]->(:\`${prefix}User\` {id: $b}) RETURN r.at AS at, count(*) AS n`,
        { a, b },
      );
      expect(records).toHaveLength(1);
      expect(records[0]!.get('n').toNumber()).toBe(1);
      expect(['1700000000123', '1700000000456']).toContain(records[0]!.get('at').toString()); // an Integer, not a float
      const constraints = await driver.executeQuery(`SHOW CONSTRAINTS YIELD name, type WHERE name = $name RETURN type`, {
        name: `${prefix}User_id_unique`,
      });
      expect(constraints.records.map((r) => r.get('type'))).toEqual(['UNIQUENESS']);
      await graph.ensureSchema(); // a second start is a no-op
    } finally {
      await driver.close();
      await graph.close();
    }
  });

  it('label prefixes isolate graphs sharing one database', async () => {
    const [one, two] = [await makeGraph(), await makeGraph()];
    try {
      const [a, b] = [newId(), newId()];
      await one.follow(a, b, new Date());
      expect(await two.isFollowing([{ followerId: a, followeeId: b }])).toEqual([false]);
      expect((await two.counts([b])).get(b)).toEqual({ followers: 0, following: 0 });
      expect(await two.follow(a, b, new Date())).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a server that is not there gives SERVICE_UNAVAILABLE within a few seconds, not a hang', async () => {
    const port = await freePort();
    const graph = new Neo4jFollowGraph(createNeo4jDriver({ uri: `bolt://127.0.0.1:${port}` }), uniqueName('sg'));
    try {
      for (const attempt of [() => graph.follow(newId(), newId(), new Date()), () => graph.unfollow(newId(), newId())]) {
        const started = Date.now();
        await expect(attempt()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
        expect(Date.now() - started).toBeLessThan(6_000);
      }
      await expect(graph.ping()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      await graph.close();
    }
  });
});
