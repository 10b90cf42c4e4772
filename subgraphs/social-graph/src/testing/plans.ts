import type { Driver } from 'neo4j-driver';
import { cypher } from '../stores/neo4j-cypher';
import { labelsFor } from '../stores/neo4j-db';

/** Parameters that make every statement valid for EXPLAIN (values do not matter to the plan shape). */
const id = '000000000000000000000001';
const params = {
  a: id,
  b: id,
  ids: [id],
  at: 1,
  pairs: [{ followerId: id, followeeId: id, a: id, b: id }],
  userId: id,
  otherId: id,
  viewerId: id,
  afterAt: null,
  afterId: null,
  limit: 10,
  enterAt: 10,
  exitBelow: 9,
  sampleSize: 3,
  maxFollowees: 1000,
  records: [{ id, subject: 's', payload: '{}', createdAt: 1 }],
};

export interface PlanNode {
  operatorType: string;
  arguments?: Record<string, unknown>;
  children: PlanNode[];
}

/** Every statement of the Neo4j stores, flattened to [name, cypher]. */
export function statements(prefix: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (value: unknown, name: string) => {
    if (typeof value === 'string') out.push([name, value]);
    else for (const [k, v] of Object.entries(value as object)) walk(v, name ? `${name}.${k}` : k);
  };
  walk(cypher(labelsFor(prefix)), '');
  return out;
}

/** The operators of a statement's plan (names without the runtime suffix, e.g. "NodeUniqueIndexSeek"). */
export async function explain(driver: Driver, statement: string): Promise<string[]> {
  const { summary } = await driver.executeQuery(`EXPLAIN ${statement}`, params);
  const ops: string[] = [];
  const walk = (node: PlanNode) => {
    ops.push(node.operatorType.replace(/@.*$/, ''));
    node.children.forEach(walk);
  };
  walk(summary.plan as unknown as PlanNode);
  return ops;
}
