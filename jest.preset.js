// Shared jest setup for every workspace. Test tiers are chosen by file suffix:
//   *.test.ts      unit: no server, memory doubles only (fast, run anywhere)
//   *.int.test.ts  integration: a real MongoDB-wire, Neo4j, Redis or NATS server (scripts/services)
//   *.e2e.test.ts  end to end: the whole supergraph in-process, talked to over HTTP/WebSocket
// TEST_TIER=unit|int|e2e narrows a run; unset runs all three.
const path = require('node:path');
const fs = require('node:fs');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const tiers = {
  unit: ['**/*.test.ts', '!**/*.int.test.ts', '!**/*.e2e.test.ts'],
  int: ['**/*.int.test.ts'],
  e2e: ['**/*.e2e.test.ts'],
};

function preset(rootDir) {
  const tier = process.env.TEST_TIER;
  const testMatch = tier ? tiers[tier] : ['**/*.test.ts'];
  if (!testMatch) throw new Error(`TEST_TIER must be one of ${Object.keys(tiers).join(', ')}`);
  return {
    rootDir,
    testEnvironment: 'node',
    testMatch: testMatch.map((g) => (g.startsWith('!') ? `!${rootDir}/${g.slice(1)}` : `${rootDir}/${g}`)),
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    // jose ships ESM only; everything else is CommonJS already.
    transform: { '^.+\\.(t|j)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
    transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
    testEnvironmentOptions: { customExportConditions: ['@social/source', 'node', 'require', 'default'] },
    testTimeout: 60_000,
    reporters: ['default', path.join(__dirname, 'scripts', 'jest-summary-reporter.js')],
  };
}

module.exports = { preset };
