import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { harnessEnv } from './config';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Node flags that run TypeScript sources of the workspace directly (as `npm run dev` does). */
const TS_EXEC_ARGV = ['--import', 'tsx', '--conditions=@social/source'];

export interface ChildHandle<T = unknown> {
  name: string;
  pid: number;
  /** What the child reported when it was ready (IPC children only). */
  info: T;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the child to bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess, name: string, byMessage: boolean, graceMs = 30_000): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        console.error(`[bench] ${name} did not stop within ${graceMs} ms; killing it`);
        child.kill('SIGKILL');
      }, graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // IPC children that understand it are asked politely first (see stack-host.ts); others get SIGTERM.
      if (byMessage && child.connected) child.send({ type: 'stop' }, () => undefined);
      else child.kill('SIGTERM');
    }));
}

/**
 * Starts a TypeScript entry point in its own process. With `ipcReady`, waits for the child's
 * `{ type: 'ready', ... }` message and returns it as `info`; otherwise returns once it runs (the
 * caller waits for its port). Output goes to this process's stderr, prefixed by nothing: children
 * log at warn level, so anything printed is worth seeing.
 */
export async function startChild<T = unknown>(
  name: string,
  entry: string,
  opts: {
    env?: Record<string, string | undefined>;
    args?: string[];
    ipcReady?: boolean;
    readyTimeoutMs?: number;
    /** Stop by sending `{ type: 'stop' }` over IPC instead of SIGTERM. */
    stopByMessage?: boolean;
    /** More node flags, e.g. --cpu-prof for a profile of the child. */
    nodeFlags?: string[];
  } = {},
): Promise<ChildHandle<T>> {
  const child = fork(entry, opts.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: [...TS_EXEC_ARGV, ...(opts.nodeFlags ?? [])],
    env: { ...harnessEnv(), ...opts.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = stopper(child, name, opts.stopByMessage ?? false);
  let info = undefined as T;
  if (opts.ipcReady) {
    try {
      info = await new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} was not ready within ${opts.readyTimeoutMs ?? 120_000} ms`)),
          opts.readyTimeoutMs ?? 120_000,
        );
        child.on('message', (msg: { type?: string; error?: string } & T) => {
          if (msg?.type === 'ready') {
            clearTimeout(timer);
            resolve(msg);
          } else if (msg?.type === 'failed') {
            clearTimeout(timer);
            reject(new Error(`${name} failed to start: ${msg.error}`));
          }
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
        });
      });
    } catch (err) {
      await stop();
      throw err;
    }
  }
  return { name, pid: child.pid!, info, child, stop };
}

/** Polls a GraphQL endpoint with a query until it answers 200 with data and no errors. */
export async function waitForGraphQL(
  url: string,
  query: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number; child?: ChildProcess; variables?: Record<string, unknown> } = {},
): Promise<unknown> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last = '';
  while (Date.now() < deadline) {
    if (opts.child && (opts.child.exitCode !== null || opts.child.signalCode !== null)) throw new Error(`the process behind ${url} exited`);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...opts.headers },
        body: JSON.stringify({ query, variables: opts.variables ?? {} }),
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
      if (res.ok && body.data && !body.errors?.length) return body.data;
      last = `${res.status} ${JSON.stringify(body).slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer ${query.slice(0, 60)}... in time; last: ${last}`);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function readStat(pid: number): { ppid: number; user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
    return { ppid: Number(fields[1]), user: Number(fields[11]), system: Number(fields[12]) }; // utime, stime (ticks)
  } catch {
    return null;
  }
}

/** CPU seconds one process has used so far, in its own code (user) and in the kernel for it (system). Linux only. */
export function cpuSplitOf(pid: number): { user: number; system: number } {
  const s = readStat(pid);
  return s ? { user: s.user / CLOCK_TICKS, system: s.system / CLOCK_TICKS } : { user: Number.NaN, system: Number.NaN };
}

/** CPU seconds used so far by a process and all its descendants (e.g. a cluster's workers). Linux only. */
export function cpuSecondsOfTree(rootPid: number): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return Number.NaN;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) stats.set(pid, { ppid: s.ppid, ticks: s.user + s.system });
  }
  let ticks = 0;
  for (const [pid, s] of stats) {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = stats.get(p)?.ppid, hops++) {
      if (p === rootPid) {
        ticks += s.ticks;
        break;
      }
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Measures how many cores each named process tree used between start() and stop(). */
export function cpuMeter(groups: Record<string, number>): { stop(): Record<string, number> } {
  const t0 = process.hrtime.bigint();
  const self0 = process.cpuUsage();
  const before = Object.fromEntries(Object.entries(groups).map(([k, pid]) => [k, cpuSecondsOfTree(pid)]));
  return {
    stop() {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const self = process.cpuUsage(self0);
      const out: Record<string, number> = {};
      for (const [k, pid] of Object.entries(groups)) out[k] = (cpuSecondsOfTree(pid) - before[k]!) / seconds;
      out['load generator'] = (self.user + self.system) / 1e6 / seconds;
      return out;
    },
  };
}
