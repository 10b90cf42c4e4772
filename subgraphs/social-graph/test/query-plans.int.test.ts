import { uniqueName } from '@social/test-kit';
import { neo4jTestGraphs } from '../src/testing/neo4j';
import { explain, statements } from '../src/testing/plans';

const graphs = neo4jTestGraphs();
afterAll(() => graphs.cleanUp());

/**
 * The planner uses the constraints created at start: every statement run per request finds its
 * people with NodeUniqueIndexSeek and never scans all users; the relay reads the outbox through its
 * range index in order. The popular-accounts job is the one deliberate scan (periodic, never per request).
 */
describe('query plans on real Neo4j', () => {
  let plans: Map<string, string[]>;
  beforeAll(async () => {
    const prefix = uniqueName('sg');
    const stores = await graphs.make({ vipThreshold: 10 }, prefix);
    try {
      plans = new Map();
      for (const [name, statement] of statements(prefix)) plans.set(name, await explain(stores.db.driver, statement));
    } finally {
      await stores.close();
    }
  });

  const SCANS = ['AllNodesScan', 'NodeByLabelScan'];
  const perRequest = () => [...plans].filter(([name]) => name !== 'popular' && !name.startsWith('outbox.'));

  it('every per-request statement seeks people through the unique index and scans nothing', () => {
    expect(perRequest().length).toBeGreaterThanOrEqual(17);
    for (const [name, ops] of perRequest()) {
      expect({ name, seeks: ops.some((op) => op.startsWith('NodeUniqueIndexSeek')) }).toEqual({ name, seeks: true });
      expect({ name, scans: ops.filter((op) => SCANS.includes(op)) }).toEqual({ name, scans: [] });
    }
  });

  it('the outbox is read oldest first from its range index, and deleted by its unique id', () => {
    expect(plans.get('outbox.pending')).toContain('NodeIndexScan');
    expect(plans.get('outbox.pending')).not.toContain('Sort');
    expect(plans.get('outbox.remove')?.some((op) => op.startsWith('NodeUniqueIndexSeek'))).toBe(true);
  });

  it('only the periodic popular-accounts statement scans the users', () => {
    expect(plans.get('popular')).toContain('NodeByLabelScan');
  });
});
