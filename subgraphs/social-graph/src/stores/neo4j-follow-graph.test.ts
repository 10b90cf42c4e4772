import neo4j, { Neo4jError } from 'neo4j-driver';
import { createNeo4jDriver, mapNeo4jError, Neo4jDb } from './neo4j-db';

// Unit checks that need no server: creating a driver does not connect.
describe('Neo4j stores without a server', () => {
  it.each(['a-b', 'x`) DETACH DELETE (n', 'sp ace', 'é'])('refuses the label prefix %j', async (prefix) => {
    const driver = createNeo4jDriver({ uri: 'bolt://127.0.0.1:1' });
    try {
      expect(() => new Neo4jDb(driver, prefix)).toThrow(/label prefix/);
    } finally {
      await driver.close();
    }
  });

  it('maps outages to SERVICE_UNAVAILABLE and leaves other errors alone', () => {
    const outage = (code: string) => new Neo4jError('down', code as never, '', '');
    for (const code of [
      neo4j.error.SERVICE_UNAVAILABLE,
      neo4j.error.SESSION_EXPIRED,
      'Neo.TransientError.General.DatabaseUnavailable',
      'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
    ]) {
      expect(mapNeo4jError(outage(code))).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    }
    const syntax = outage('Neo.ClientError.Statement.SyntaxError');
    expect(mapNeo4jError(syntax)).toBe(syntax);
    const bug = new TypeError('x');
    expect(mapNeo4jError(bug)).toBe(bug);
  });
});
