/**
 * Re-renders the Markdown of a written report from its JSON (after a change to the report's layout):
 * `npx tsx bench/harness/render.ts bench/results/<name>.json`. The figures are the JSON's; nothing is
 * measured again, and the charts already written next to it are linked.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown, type Report } from './report';

for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const base = file.replace(/\.json$/, '');
  const charts = report.charts
    .map((c) => `${base}-${c.name}.png`)
    .filter((f) => existsSync(f))
    .map((f) => path.basename(f));
  writeFileSync(`${base}.md`, renderMarkdown(report, charts));
  console.log(`rendered ${base}.md`);
}
