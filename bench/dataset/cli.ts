import { parseArgs } from 'node:util';
import { parseDatasetServers } from './config';
import { DEFAULT_SEED, generate } from './generate';
import { dropDataset, loadDataset } from './load';
import { readManifest } from './namespace';
import { loadTimelines, timelineKeyPrefix, type PushMode } from './timelines';
import { parseScale } from './scale';
import { formatStats, measure } from './stats';

/**
 *   npm run dataset:stats -w @social/bench -- --scale S [--seed N]
 *   npm run dataset:load  -w @social/bench -- --scale S|M|<users> [--seed N] [--prefix NAME] [--no-stats]
 *                          [--vip-threshold N] [--neo4j-workers N] [--now ISO|ms]
 *   npm run dataset:drop  -w @social/bench -- --prefix NAME
 *   npm run dataset:timelines -w @social/bench -- --prefix NAME [--mode hybrid|push-only]
 *                          (the Redis timelines a feed would hold for a loaded dataset; needs REDIS_URL too)
 * Servers come from MONGODB_URI and NEO4J_URI (NEO4J_USER/NEO4J_PASSWORD when auth is on), as
 * `eval "$(bash scripts/services env)"` sets them.
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      scale: { type: 'string', default: 'S' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      now: { type: 'string' },
      prefix: { type: 'string' },
      'no-stats': { type: 'boolean', default: false },
      'vip-threshold': { type: 'string' },
      'neo4j-workers': { type: 'string' },
      mode: { type: 'string', default: 'hybrid' },
    },
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('--seed must be an integer in [0, 2^32)');
  const now = values.now === undefined ? undefined : parseNow(values.now);

  if (command === 'stats') {
    const data = generate({ scale: parseScale(values.scale), seed, now });
    out(`Dataset ${data.scale.name} (seed ${seed}): measured from the generated edges and posts\n`);
    out(formatStats(measure(data), data));
    return;
  }
  if (command === 'load') {
    const scale = parseScale(values.scale);
    const prefix = values.prefix ?? `bench_${scale.name.toLowerCase()}`;
    const data = generate({ scale, seed, now });
    out(
      `Generated ${scale.name}: ${data.users.count} users, ${data.follows.count} follows, ${data.posts.count} posts ` +
        `in ${((data.timings.users + data.timings.follows + data.timings.posts) / 1000).toFixed(1)} s`,
    );
    if (!values['no-stats']) out(`\n${formatStats(measure(data), data)}\n`);
    out(`Loading into prefix "${prefix}" (a prefix that holds data is dropped first)`);
    const report = await loadDataset(
      data,
      { ...parseDatasetServers(), prefix },
      {
        vipThreshold: positiveInt(values['vip-threshold'], '--vip-threshold'),
        neo4jWorkers: positiveInt(values['neo4j-workers'], '--neo4j-workers'),
      },
    );
    const ns = report.namespace;
    out(`\n${report.summary}\n`);
    out(`VIPs stored (isVip: true, >= ${report.vipThreshold} followers): ${report.vips}`);
    out(`Loaded. Serve it with startStack({ real: { ..., isolation: '${prefix}' } }) or with the services' variables:`);
    out(`  user:         MONGODB_DB=${ns.userDb}`);
    out(`  post:         MONGODB_DB=${ns.postDb}`);
    out(`  social-graph: NEO4J_LABEL_PREFIX=${ns.prefix}`);
    out(
      `  manifest:     ${ns.benchDb}.manifest (scale ${scale.name}, seed ${seed}, now ${data.now} = ${new Date(data.now).toISOString()})`,
    );
    return;
  }
  if (command === 'timelines') {
    const prefix = values.prefix ?? 'bench_m';
    const mode = values.mode as PushMode;
    if (mode !== 'hybrid' && mode !== 'push-only') throw new Error('--mode must be hybrid or push-only');
    const redisUrl = process.env['REDIS_URL'];
    if (!redisUrl) throw new Error('REDIS_URL is not set: run `eval "$(bash scripts/services env)"` first');
    const manifest = await readManifest(parseDatasetServers().mongodbUri, prefix);
    if (!manifest) throw new Error(`no dataset under prefix ${prefix}: load it first (dataset:load)`);
    const data = generate({ scale: parseScale(manifest.scale), seed: manifest.seed, now: manifest.now });
    const report = await loadTimelines(data, {
      redisUrl,
      keyPrefix: timelineKeyPrefix(prefix, mode),
      mode,
      vipThreshold: manifest.vipThreshold,
    });
    out(`\n${report.summary}\n`);
    out(
      `${mode} timelines under "${report.keyPrefix}": ${report.readers} readers, ${report.entries} entries, ` +
        `${report.vips} VIPs; Redis uses ${report.usedMemory}`,
    );
    return;
  }
  if (command === 'drop') {
    if (!values.prefix) throw new Error('dataset:drop needs --prefix NAME');
    const dropped = await dropDataset({ ...parseDatasetServers(), prefix: values.prefix });
    out(
      `Dropped prefix "${values.prefix}": databases [${dropped.databases.join(', ')}], ` +
        `${dropped.nodes} Neo4j nodes, ${dropped.relationships} follows`,
    );
    return;
  }
  throw new Error(`unknown command "${command ?? ''}": use stats, load, timelines or drop`);
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

function parseNow(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error('--now must be epoch milliseconds or an ISO date');
  return ms;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
