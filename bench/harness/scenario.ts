import type { BenchArgs, Scale } from './args';
import { httpLoad, type LoadRequest } from './http-load';
import type { Environment, Measurement, Run } from './report';
import { median } from './stats';
import type { ServerUrls } from './stores';

export interface ScenarioContext {
  args: BenchArgs;
  run: Run;
  /** The real servers, when the run uses them (`--real`); absent means embedded memory stores. */
  servers?: ServerUrls;
  environment: Environment;
  /** Settings worth recording beyond the common ones (connections, duration...). */
  settings: Record<string, string | number | boolean>;
  /** Registers cleanup (stopping child processes) run in reverse order when the scenario ends or fails. */
  defer(cleanup: () => Promise<void>): void;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  /** Plain-words description for the report's head. */
  description: string[];
  /** Installed packages whose versions the report lists. */
  packages: string[];
  run(ctx: ScenarioContext): Promise<void>;
}

export const prefixFor = (args: BenchArgs, scale: Scale): string => args.prefixes[scale] ?? `bench_${scale.toLowerCase()}`;

export interface MeasureSpec {
  label: string;
  target: string;
  workload: string;
  dims?: Record<string, string | number>;
  url: string;
  next: () => LoadRequest;
  cpuGroups?: Record<string, number>;
  /**
   * Record the figure even when most or all requests failed (e.g. a baseline that times out on this
   * store); otherwise that is taken for a broken set-up and the run stops.
   */
  allowFailures?: boolean;
}

/** Runs one closed-loop measurement with the run's settings and records it in the run. */
export async function measure(ctx: ScenarioContext, spec: MeasureSpec): Promise<Measurement> {
  const { args } = ctx;
  ctx.log(`measuring ${spec.label}: ${args.connections} connections, ${args.warmupSeconds} s warm-up + ${args.durationSeconds} s`);
  const result = await httpLoad({
    url: spec.url,
    connections: args.connections,
    durationSeconds: args.durationSeconds,
    warmupSeconds: args.warmupSeconds,
    next: spec.next,
    ...(spec.cpuGroups ? { cpuGroups: spec.cpuGroups } : {}),
  });
  const m = ctx.run.add({
    label: spec.label,
    target: spec.target,
    workload: spec.workload,
    ...(spec.dims ? { dims: spec.dims } : {}),
    connections: args.connections,
    durationSeconds: result.durationSeconds,
    reqPerSec: result.reqPerSec,
    latency: result.latency,
    ...(result.errorLatency ? { errorLatency: result.errorLatency } : {}),
    ok: result.ok,
    non2xx: result.non2xx,
    graphqlErrors: result.graphqlErrors,
    transportErrors: result.transportErrors,
    timeouts: result.timeouts,
    ...(result.cpu ? { cpu: result.cpu, cpuMsPerRequest: cpuPerRequest(result.cpu, result.durationSeconds, result.ok) } : {}),
  });
  const errors = m.non2xx + m.graphqlErrors + m.transportErrors + m.timeouts;
  ctx.log(
    `  ${m.reqPerSec.toFixed(1)} req/s, p50 ${m.latency.p50.toFixed(2)} ms, p99 ${m.latency.p99.toFixed(2)} ms` +
      (errors ? `, ${errors} ERRORS (first: ${result.firstError})` : '') +
      (m.cpu
        ? `, cpu ${Object.entries(m.cpu)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(' ')}`
        : ''),
  );
  if (!spec.allowFailures && m.ok === 0)
    throw new Error(
      `${spec.label}: no successful response in ${m.durationSeconds} s (${errors} errors; first: ${result.firstError ?? 'none seen, requests hang'})`,
    );
  if (!spec.allowFailures && errors > 0 && errors >= m.ok)
    throw new Error(`${spec.label}: most requests failed (${errors} errors, ${m.ok} ok): ${result.firstError}`);
  if (errors > 0) {
    const slow = result.errorLatency ? ` (failures answered in p50 ${result.errorLatency.p50.toFixed(0)} ms)` : '';
    ctx.run.notes.push(`${spec.label}: ${errors} of ${errors + m.ok} requests failed${slow}; first: ${result.firstError?.slice(0, 240)}`);
  }
  return m;
}

/** Cores used over a window -> CPU milliseconds per successful request, per process group. */
export function cpuPerRequest(cores: Record<string, number>, seconds: number, ok: number): Record<string, number> {
  return Object.fromEntries(Object.entries(cores).map(([k, v]) => [k, ok > 0 ? (v * seconds * 1000) / ok : Number.NaN]));
}

/** Of one figure measured in several rounds, the round with the median throughput. */
export function medianRound(rounds: Measurement[]): Measurement {
  if (rounds.length === 0) throw new Error('no rounds');
  const mid = median(rounds.map((r) => r.reqPerSec));
  return rounds.find((r) => r.reqPerSec === mid)!;
}
