import { SingleBar } from 'cli-progress';

export interface PhaseResult {
  phase: string;
  rows: number;
  ms: number;
}

/**
 * Runs load phases one after another, each with its own progress bar (on a terminal; plain start and
 * end lines otherwise, so CI logs and test output stay readable), and keeps the time and row count of each.
 */
export class Phases {
  readonly results: PhaseResult[] = [];

  constructor(private readonly opts: { progress: boolean; log: (line: string) => void }) {}

  async run(phase: string, total: number, work: (advance: (rows: number) => void) => Promise<void>): Promise<PhaseResult> {
    const started = performance.now();
    let done = 0;
    const bar =
      this.opts.progress && process.stderr.isTTY
        ? new SingleBar({
            format: `${phase.padEnd(24)} [{bar}] {percentage}% | {value}/{total} | {speed}/s | ETA {eta_formatted}`,
            barsize: 30,
            hideCursor: true,
            etaBuffer: 50,
            stream: process.stderr,
          })
        : null;
    bar?.start(total, 0, { speed: '0' });
    if (!bar && this.opts.progress) this.opts.log(`${phase}: ${total.toLocaleString('en-US')} rows...`);
    try {
      await work((rows) => {
        done += rows;
        const seconds = (performance.now() - started) / 1000;
        bar?.update(done, { speed: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0' });
      });
    } finally {
      bar?.stop();
    }
    const result = { phase, rows: done, ms: performance.now() - started };
    this.results.push(result);
    if (this.opts.progress) this.opts.log(`${phase}: ${done.toLocaleString('en-US')} rows in ${seconds(result.ms)}`);
    return result;
  }

  /** A table of every phase: rows, time, rows per second, and the total. */
  summary(): string {
    const rows = this.results.map((r) => [
      r.phase,
      r.rows.toLocaleString('en-US'),
      seconds(r.ms),
      r.rows > 0 && r.ms > 0 ? Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US') : '',
    ]);
    const totalMs = this.results.reduce((a, r) => a + r.ms, 0);
    rows.push(['total', '', seconds(totalMs), '']);
    const header = ['phase', 'rows', 'time', 'rows/s'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
    return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  }
}

export function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(1)} s`;
}
