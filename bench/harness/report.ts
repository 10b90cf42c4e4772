import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LatencySummary } from './stats';
import type { MachineInfo } from './machine';

/**
 * One measured figure. Every figure carries the id of the run that measured it: ratios are only
 * ever computed between figures of the same run (same machine, same data, same moment), never across
 * runs, because the machines are shared and noisy.
 */
export interface Measurement {
  runId: string;
  /** Stable name used in tables and ratios, e.g. "ours / user-posts". */
  label: string;
  /** What served the requests, e.g. "ours", "hive", "apollo-default", "direct". */
  target: string;
  /** What was asked, e.g. "user-posts" or "timeline page 1". */
  workload: string;
  /** Extra dimensions of this figure (scale, round, workers...). */
  dims?: Record<string, string | number>;
  connections: number;
  durationSeconds: number;
  /** Successful responses (HTTP 2xx without GraphQL errors) per second. */
  reqPerSec: number;
  /** Latency of the successful responses in the measured window, milliseconds. */
  latency: LatencySummary;
  /** Latency of the failed responses, when there were any (a timeout answers slowly, a refusal fast). */
  errorLatency?: LatencySummary;
  ok: number;
  non2xx: number;
  graphqlErrors: number;
  transportErrors: number;
  timeouts: number;
  /** Share of one core used by each process group while this was measured (1.0 = one full core). */
  cpu?: Record<string, number>;
  /**
   * CPU milliseconds each process group spent per successful request. On a shared, noisy machine this
   * is steadier than throughput: it does not depend on how much CPU the other tenants left over.
   */
  cpuMsPerRequest?: Record<string, number>;
}

export interface Ratio {
  runId: string;
  name: string;
  numerator: string;
  denominator: string;
  metric: RatioMetric;
  value: number;
  /** When measured in rounds: the ratio within each round (numerator and denominator of the same round); value is their median. */
  perRound?: number[];
}

/** Throughput, a latency percentile, or CPU per request of one process group (`cpu:gateway`). */
export type RatioMetric = 'reqPerSec' | 'p50' | 'p99' | `cpu:${string}`;

export class CrossRunRatioError extends Error {}

export function metricOf(m: Measurement, metric: RatioMetric): number {
  if (metric === 'reqPerSec') return m.reqPerSec;
  if (metric === 'p50' || metric === 'p99') return m.latency[metric];
  const group = metric.slice('cpu:'.length);
  const v = m.cpuMsPerRequest?.[group];
  if (v === undefined) throw new Error(`figure "${m.label}" has no CPU per request for "${group}"`);
  return v;
}

/** numerator / denominator for one metric; refuses figures from different runs. */
export function ratio(name: string, numerator: Measurement, denominator: Measurement, metric: RatioMetric): Ratio {
  if (numerator.runId !== denominator.runId) {
    throw new CrossRunRatioError(
      `refusing to compare "${numerator.label}" (run ${numerator.runId}) with "${denominator.label}" (run ${denominator.runId}): ` +
        'figures from different runs are never mixed in one ratio',
    );
  }
  const value = metricOf(numerator, metric) / metricOf(denominator, metric);
  return { runId: numerator.runId, name, numerator: numerator.label, denominator: denominator.label, metric, value };
}

export interface Chart {
  /** File name suffix, e.g. "throughput" gives <base>-throughput.png. */
  name: string;
  title: string;
  /** A vega-lite specification; rendered to PNG when the report is written. */
  spec: Record<string, unknown>;
}

export interface Environment {
  /** True when MONGODB_URI, NEO4J_URI, REDIS_URL and NATS_URL were set and the stores were the real servers. */
  realServers: boolean;
  stores: string;
  /** Server addresses with any credentials removed. */
  servers?: Record<string, string>;
  dataset: {
    scale: string;
    prefix?: string;
    users?: number;
    follows?: number;
    posts?: number;
    note?: string;
    /** The loader's manifest (seed, checksum, load time), so a report names the exact data it ran on. */
    manifest?: Record<string, unknown>;
  }[];
}

export interface Report {
  scenario: string;
  runId: string;
  date: string;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  versions: Record<string, string>;
  environment: Environment;
  settings: Record<string, string | number | boolean>;
  /** What was measured, in plain words, for the Markdown report. */
  description: string[];
  measurements: Measurement[];
  ratios: Ratio[];
  notes: string[];
  charts: Chart[];
}

/** A run in progress: hands out its id and checks every added figure belongs to it. */
export class Run {
  readonly id: string;
  readonly startedAt = new Date();
  readonly measurements: Measurement[] = [];
  readonly ratios: Ratio[] = [];
  readonly notes: string[] = [];
  readonly charts: Chart[] = [];

  constructor(
    readonly scenario: string,
    id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`,
  ) {
    this.id = id;
  }

  add(m: Omit<Measurement, 'runId'> & { runId?: string }): Measurement {
    if (m.runId !== undefined && m.runId !== this.id)
      throw new CrossRunRatioError(`figure "${m.label}" belongs to run ${m.runId}, not ${this.id}`);
    const full = { ...m, runId: this.id } as Measurement;
    this.measurements.push(full);
    return full;
  }

  /**
   * The ratio of two figures measured in interleaved rounds: numerator and denominator are paired by
   * round (they ran minutes apart at most, under the same background load), and the median of the
   * per-round ratios is the value. Steadier on a shared machine than a ratio of two medians.
   */
  ratioOfRounds(name: string, numerator: Measurement[], denominator: Measurement[], metric: RatioMetric): Ratio {
    if (numerator.length === 0 || numerator.length !== denominator.length)
      throw new Error(`ratio "${name}": ${numerator.length} rounds against ${denominator.length}`);
    const perRound = numerator.map((n, i) => ratio(name, n, denominator[i]!, metric).value);
    const sorted = [...perRound].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const value = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    const strip = (label: string) => label.replace(/ \/ round \d+$/, '');
    const r: Ratio = {
      runId: this.id,
      name,
      numerator: strip(numerator[0]!.label),
      denominator: strip(denominator[0]!.label),
      metric,
      value,
      perRound,
    };
    for (const m of [...numerator, ...denominator])
      if (m.runId !== this.id) throw new CrossRunRatioError(`figure "${m.label}" is not of run ${this.id}`);
    this.ratios.push(r);
    return r;
  }

  find(label: string): Measurement {
    const m = this.measurements.find((x) => x.label === label);
    if (!m) throw new Error(`no figure "${label}" in run ${this.id}`);
    return m;
  }

  ratio(name: string, numerator: string | Measurement, denominator: string | Measurement, metric: RatioMetric): Ratio {
    const n = typeof numerator === 'string' ? this.find(numerator) : numerator;
    const d = typeof denominator === 'string' ? this.find(denominator) : denominator;
    const r = ratio(name, n, d, metric);
    this.ratios.push(r);
    return r;
  }
}

export interface WrittenReport {
  markdown: string;
  json: string;
  charts: string[];
}

const isoDate = (v: unknown): string => {
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
};
const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const fmtMs = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');

/** `<scenario>-<YYYY-MM-DD>[-tag]`: one report per scenario per day unless a tag tells runs apart. */
export function reportBaseName(scenario: string, date: string, tag?: string): string {
  if (!/^[a-z0-9-]+$/.test(scenario)) throw new Error(`scenario name "${scenario}" must be lower-case letters, digits and dashes`);
  if (tag !== undefined && !/^[A-Za-z0-9._-]+$/.test(tag))
    throw new Error(`tag "${tag}" may only hold letters, digits, dot, dash and underscore`);
  return `${scenario}-${date}${tag ? `-${tag}` : ''}`;
}

/** Writes <base>.json, <base>.md and one <base>-<chart>.png per chart into dir. */
export async function writeReport(
  report: Report,
  dir: string,
  opts: { tag?: string; renderPng?: (spec: Record<string, unknown>) => Promise<Buffer> } = {},
): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const base = reportBaseName(report.scenario, report.date, opts.tag);
  const chartFiles: string[] = [];
  for (const chart of report.charts) {
    if (!opts.renderPng) break;
    const file = path.join(dir, `${base}-${chart.name}.png`);
    writeFileSync(file, await opts.renderPng(chart.spec));
    chartFiles.push(file);
  }
  const json = path.join(dir, `${base}.json`);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const markdown = path.join(dir, `${base}.md`);
  writeFileSync(
    markdown,
    renderMarkdown(
      report,
      chartFiles.map((f) => path.basename(f)),
    ),
  );
  return { markdown, json, charts: chartFiles };
}

export function renderMarkdown(report: Report, chartFiles: string[] = []): string {
  const m = report.machine;
  const env = report.environment;
  const lines: string[] = [];
  lines.push(`# ${report.scenario} (${report.date})`, '');
  lines.push(...report.description, '');
  lines.push('## Run', '');
  lines.push(`- run id: \`${report.runId}\` (every ratio below is between figures of this run only)`);
  lines.push(`- command: \`${report.command}\``);
  lines.push(`- started ${report.startedAt}, finished ${report.finishedAt}`);
  lines.push(
    `- stores: **${env.realServers ? 'real servers' : 'embedded (memory stores, in-process event bus): NOT real servers'}** (${env.stores})`,
  );
  if (env.servers)
    lines.push(
      `- servers: ${Object.entries(env.servers)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  for (const d of env.dataset) {
    const counts = [d.users && `${d.users} users`, d.follows && `${d.follows} follows`, d.posts && `${d.posts} posts`]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `- dataset: scale ${d.scale}${d.prefix ? ` (prefix \`${d.prefix}\`)` : ''}${counts ? `: ${counts}` : ''}${d.note ? `; ${d.note}` : ''}` +
        (d.manifest ? `; loader manifest: seed ${String(d.manifest['seed'])}, loaded ${isoDate(d.manifest['loadedAt'])}` : ''),
    );
  }
  lines.push(
    `- settings: ${Object.entries(report.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  lines.push('', '## Machine', '');
  lines.push(
    `- ${m.cores} cores (${m.cpuModel}), ${fmt(m.memoryGiB)} GiB memory, load average at start ${m.loadAverage.map((v) => fmt(v, 2)).join(' / ')}`,
  );
  lines.push(`- ${m.os}, Node ${m.node}`);
  lines.push(
    `- versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push('', '## Figures', '');
  const dimKeys = [...new Set(report.measurements.flatMap((x) => Object.keys(x.dims ?? {})))];
  const cpuKeys = [...new Set(report.measurements.flatMap((x) => Object.keys(x.cpu ?? {})))];
  const perReqKeys = [...new Set(report.measurements.flatMap((x) => Object.keys(x.cpuMsPerRequest ?? {})))];
  const anyFailed = report.measurements.some((x) => x.errorLatency);
  const header = [
    'workload',
    'target',
    ...dimKeys,
    'req/s',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'max ms',
    'ok',
    'errors',
    ...cpuKeys.map((k) => `cpu ${k}`),
    ...perReqKeys.map((k) => `${k} cpu ms/req`),
    ...(anyFailed ? ['failed p50 ms'] : []),
  ];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`);
  for (const x of report.measurements) {
    const errors = x.non2xx + x.graphqlErrors + x.transportErrors + x.timeouts;
    const row = [
      x.workload,
      x.target,
      ...dimKeys.map((k) => String(x.dims?.[k] ?? '')),
      fmt(x.reqPerSec),
      fmtMs(x.latency.p50),
      fmtMs(x.latency.p99),
      fmtMs(x.latency.mean),
      fmtMs(x.latency.max),
      String(x.ok),
      String(errors),
      ...cpuKeys.map((k) => (x.cpu?.[k] === undefined ? '' : fmt(x.cpu[k]!, 2))),
      ...perReqKeys.map((k) => (x.cpuMsPerRequest?.[k] === undefined ? '' : fmt(x.cpuMsPerRequest[k]!, 3))),
      ...(anyFailed ? [x.errorLatency ? fmtMs(x.errorLatency.p50) : ''] : []),
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push(
    '',
    `Each row: ${report.measurements[0]?.connections ?? '?'} concurrent connections (closed loop), the figures over the measured window after a warm-up. cpu = cores used by that process group during the window (1.00 = one full core); cpu ms/req = CPU time that group spent per successful request, steadier than req/s on a shared machine.`,
  );
  if (report.ratios.length) {
    lines.push('', '## Ratios (same run)', '', '| ratio | numerator | denominator | metric | value |', '| --- | --- | --- | --- | --- |');
    for (const r of report.ratios) {
      const rounds = r.perRound && r.perRound.length > 1 ? ` (rounds: ${r.perRound.map((v) => fmt(v, 2)).join(', ')})` : '';
      lines.push(`| ${r.name} | ${r.numerator} | ${r.denominator} | ${r.metric} | ${fmt(r.value, 2)}x${rounds} |`);
    }
  }
  if (chartFiles.length) {
    lines.push('', '## Charts', '');
    report.charts.forEach((c, i) => chartFiles[i] && lines.push(`![${c.title}](${chartFiles[i]})`, ''));
  }
  if (report.notes.length) lines.push('', '## Notes', '', ...report.notes.map((n) => `- ${n.replace(/\s*\n\s*/g, ' ').trim()}`));
  return lines.join('\n') + '\n';
}
