import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  loadAverage: number[];
  hostname: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.versions.node,
    loadAverage: os.loadavg(),
    hostname: os.hostname(),
  };
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Installed versions of the packages a scenario used (read from node_modules, not from package.json ranges). */
export function installedVersions(names: readonly string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of names) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      versions[name] = pkg.version;
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}

/** The git commit the code under test was at, with "+dirty" when the tree has uncommitted changes. */
export function gitRevision(): string {
  try {
    const head = readFileSync(path.join(REPO_ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    return readFileSync(path.join(REPO_ROOT, '.git', head.slice(5)), 'utf8')
      .trim()
      .slice(0, 12);
  } catch {
    return 'unknown';
  }
}
