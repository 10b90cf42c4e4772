/**
 * `npm run bench -- <scenario> [--scale S|M] [--duration 20] [--connections 50] [--real] ...`
 * Starts what the scenario needs (subgraphs, gateways) in child processes, runs it, and writes
 * bench/results/<scenario>-<YYYY-MM-DD>.{md,json} plus PNG charts.
 */
import path from 'node:path';
import { parseBenchArgs, USAGE } from './args';
import { renderPng } from './chart';
import { gitRevision, installedVersions, machineInfo } from './machine';
import { Run, writeReport, type Environment, type Report } from './report';
import type { ScenarioContext } from './scenario';
import { redact, resolveServers } from './stores';
import { SCENARIOS } from '../scenarios';

const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const scenario = SCENARIOS[args.scenario];
  if (!scenario) {
    console.error(`unknown scenario "${args.scenario}"; known: ${Object.keys(SCENARIOS).join(', ')}\n${USAGE}`);
    return 2;
  }
  const machine = machineInfo();
  const servers = args.real ? resolveServers() : undefined;
  const environment: Environment = {
    realServers: Boolean(servers),
    stores: servers ? 'MongoDB wire (FerretDB) + Neo4j + Redis + NATS JetStream' : 'memory stores, in-process event bus',
    ...(servers ? { servers: redact(servers) } : {}),
    dataset: [],
  };
  const run = new Run(scenario.name);
  const cleanups: (() => Promise<void>)[] = [];
  const settings: ScenarioContext['settings'] = {
    connections: args.connections,
    'duration s': args.durationSeconds,
    'warm-up s': args.warmupSeconds,
    rounds: args.rounds,
    seed: args.seed,
  };
  const ctx: ScenarioContext = {
    args,
    run,
    ...(servers ? { servers } : {}),
    environment,
    settings,
    defer: (c) => void cleanups.push(c),
    log,
  };
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
    cleanups.length = 0;
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  log(`${scenario.name}: run ${run.id}, ${servers ? 'REAL servers' : 'embedded (memory stores)'}, ${machine.cores} cores`);
  try {
    await scenario.run(ctx);
  } finally {
    await cleanup();
  }

  const finishedAt = new Date();
  const report: Report = {
    scenario: scenario.name,
    runId: run.id,
    date: run.startedAt.toISOString().slice(0, 10),
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
    machine,
    versions: { node: process.versions.node, 'git revision': gitRevision(), ...installedVersions(scenario.packages) },
    environment,
    settings,
    description: scenario.description,
    measurements: run.measurements,
    ratios: run.ratios,
    notes: run.notes,
    charts: run.charts,
  };
  const dir = path.resolve(args.outDir ?? path.join(__dirname, '..', 'results'));
  const written = await writeReport(report, dir, { ...(args.tag ? { tag: args.tag } : {}), renderPng });
  log(`wrote ${[written.markdown, written.json, ...written.charts].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  for (const r of run.ratios) log(`${r.name}: ${r.value.toFixed(2)}x`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
