// Writes each workspace's jest totals to $JEST_SUMMARY_DIR/<package>.json so scripts/test-all can print
// one "N passed, N failed" line for the whole run (turbo runs one jest per workspace).
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.JEST_SUMMARY_DIR;
    if (!dir) return;
    const name = require(path.join(this.rootDir, 'package.json')).name.replace(/[^a-z0-9-]/gi, '_');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
