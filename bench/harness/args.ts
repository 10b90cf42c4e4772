import { parseArgs } from 'node:util';

export const SCALES = ['S', 'M'] as const;
export type Scale = (typeof SCALES)[number];

export interface BenchArgs {
  scenario: string;
  /** Dataset scales, in order; `--scale S,M` measures both in one run. */
  scales: Scale[];
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Use the real servers (MONGODB_URI, NEO4J_URI, REDIS_URL, NATS_URL) and the loaded dataset. */
  real: boolean;
  /** Dataset prefix per scale; default bench_s / bench_m (what the dataset loader writes). */
  prefixes: Partial<Record<Scale, string>>;
  /** Processes per gateway (ours and the peers alike); 0 means one per core. */
  workers: number;
  /** Measurements per target, interleaved (A B C, A B C, ...); the median round is reported. */
  rounds: number;
  /** How many readers/authors to sample from the dataset. */
  sample: number;
  seed: number;
  /** Appended to the result file name, to keep more than one run of a day. */
  tag?: string;
  /** Restricts a scenario to some of its targets (comma list), e.g. `--only ours,hive`. */
  only?: string[];
  outDir?: string;
}

export const USAGE = `usage: npm run bench -- <scenario> [--scale S|M|S,M] [--duration 20] [--connections 50] [--real]
       [--warmup 5] [--rounds 1] [--workers 1] [--sample 500] [--seed 1] [--prefix-s bench_s] [--prefix-m bench_m]
       [--only a,b] [--tag name] [--out bench/results]`;

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      scale: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      real: { type: 'boolean', default: false },
      workers: { type: 'string' },
      rounds: { type: 'string' },
      sample: { type: 'string' },
      seed: { type: 'string' },
      'prefix-s': { type: 'string' },
      'prefix-m': { type: 'string' },
      only: { type: 'string' },
      tag: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error(`name exactly one scenario\n${USAGE}`);
  const scales = (values.scale ?? 'S').split(',').map((s) => s.trim().toUpperCase());
  for (const s of scales)
    if (!(SCALES as readonly string[]).includes(s)) throw new Error(`--scale must be S, M or S,M, got "${values.scale}"`);
  const prefix = (name: string, raw: string | undefined, fallback: string) => {
    const p = raw ?? fallback;
    if (!/^[A-Za-z0-9_]+$/.test(p)) throw new Error(`--${name} may only hold letters, digits and underscores, got "${p}"`);
    return p;
  };
  return {
    scenario: positionals[0]!,
    scales: [...new Set(scales)] as Scale[],
    durationSeconds: positiveInt('duration', values.duration, 20),
    warmupSeconds: positiveInt('warmup', values.warmup, 5, 0),
    connections: positiveInt('connections', values.connections, 50),
    real: values.real ?? false,
    prefixes: { S: prefix('prefix-s', values['prefix-s'], 'bench_s'), M: prefix('prefix-m', values['prefix-m'], 'bench_m') },
    workers: positiveInt('workers', values.workers, 1, 0),
    rounds: positiveInt('rounds', values.rounds, 1),
    sample: positiveInt('sample', values.sample, 500),
    seed: positiveInt('seed', values.seed, 1, 0),
    ...(values.tag ? { tag: values.tag } : {}),
    ...(values.only
      ? {
          only: values.only
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(values.out ? { outDir: values.out } : {}),
  };
}
