import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { REPO_ROOT } from './processes';
import { openWsClients } from './ws-load';

/** What a live scenario's subscribers received since the last reset: per client, receive times (ms since the epoch). */
export interface Received {
  perClient: number[][];
  /** Messages that were not a result with data (errors, an empty payload). */
  errors: number;
}

/**
 * N subscribers recording when each event reaches each of them. The scenario causes the events and
 * knows when (wall clock, `performance.timeOrigin + performance.now()`), so latency is a subtraction
 * done after the run, not work done while deliveries arrive.
 */
export interface LiveSubscribers {
  subscribe(operation: { query: string; variables?: Record<string, unknown> }): Promise<void>;
  /** Resolves once `total` results arrived since the last reset; rejects after `timeoutMs` with how many did. */
  waitFor(total: number, timeoutMs: number): Promise<void>;
  reset(): Promise<void>;
  take(): Promise<Received>;
  close(): Promise<void>;
}

export type LiveClientKind = 'go' | 'graphql-ws' | 'protocol';

export const wallNow = () => performance.timeOrigin + performance.now();

export async function openLiveSubscribers(opts: {
  kind: LiveClientKind;
  url: string;
  count: number;
  concurrency: number;
}): Promise<LiveSubscribers> {
  return opts.kind === 'go' ? openGoSubscribers(opts) : openNodeSubscribers({ ...opts, kind: opts.kind });
}

/** Counts toward a target and wakes whoever waits for it. */
class Tally {
  count = 0;
  private waiter: { total: number; resolve: () => void } | null = null;

  set(count: number): void {
    this.count = count;
    if (this.waiter && count >= this.waiter.total) {
      this.waiter.resolve();
      this.waiter = null;
    }
  }

  waitFor(total: number, timeoutMs: number): Promise<void> {
    if (this.count >= total) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`only ${this.count} of ${total} deliveries within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        total,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/** The clients in this process (ws-load.ts): the graphql-ws library, as apps use it, or bare protocol clients. */
async function openNodeSubscribers(opts: {
  kind: 'graphql-ws' | 'protocol';
  url: string;
  count: number;
  concurrency: number;
}): Promise<LiveSubscribers> {
  const pool = await openWsClients({ url: opts.url, count: opts.count, concurrency: opts.concurrency, client: opts.kind });
  let perClient: number[][] = Array.from({ length: opts.count }, () => []);
  let errors = 0;
  const tally = new Tally();
  let stop = () => {};
  return {
    async subscribe(operation) {
      stop = pool.subscribeAll(
        operation,
        (i, data: Record<string, unknown> | null, at) => {
          if (!data || Object.values(data).some((v) => v === null)) return void errors++;
          perClient[i]!.push(performance.timeOrigin + at);
          tally.set(tally.count + 1);
        },
        () => void errors++,
      );
    },
    waitFor: (total, timeoutMs) => tally.waitFor(total, timeoutMs),
    async reset() {
      perClient = Array.from({ length: opts.count }, () => []);
      errors = 0;
      tally.set(0);
    },
    async take() {
      return { perClient: perClient.map((t) => [...t]), errors };
    },
    async close() {
      stop();
      await pool.close();
    },
  };
}

const GO_SOURCE = path.join(REPO_ROOT, 'bench', 'live-clients');

/** Builds bench/live-clients once per source version (the binary is cached in the OS temp directory). */
async function goBinary(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(GO_SOURCE, file)));
  const binary = path.join(os.tmpdir(), `social-live-clients-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(binary)) await promisify(execFile)('go', ['build', '-o', binary, '.'], { cwd: GO_SOURCE });
  return binary;
}

/** The clients in a Go process (bench/live-clients): less CPU per delivery than any client in Node. */
async function openGoSubscribers(opts: { url: string; count: number; concurrency: number }): Promise<LiveSubscribers> {
  const child: ChildProcess = spawn(
    await goBinary(),
    ['--url', opts.url, '--count', String(opts.count), '--concurrency', String(opts.concurrency)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      // One thread for all the clients, as one Node process would have. With Go's default (a thread per core)
      // each frame the gateway wrote woke a sleeping client thread on the other core, and the gateway's kernel
      // time per delivery rose (13.3 vs 11.2 µs in one pair of runs at 10,000 subscribers).
      env: { ...process.env, GOMAXPROCS: process.env['LIVE_CLIENTS_GOMAXPROCS'] ?? '1' },
    },
  );
  const tally = new Tally();
  let taken: ((r: Received) => void) | null = null;
  let generation = 0; // resets sent: counts of an earlier generation are stale
  let exited: Error | null = null;
  const connected = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => {
      exited = new Error(`live-clients exited with ${code}`);
      reject(exited);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { connected?: number; gen?: number; received?: number; take?: number[][]; errors?: number };
      if (msg.connected !== undefined) resolve();
      else if (msg.take) taken?.({ perClient: msg.take, errors: msg.errors ?? 0 });
      else if (msg.received !== undefined && msg.gen === generation) tally.set(msg.received);
    });
  });
  const send = (cmd: object) => {
    if (exited) throw exited;
    child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  };
  await connected;
  return {
    async subscribe(operation) {
      send({ cmd: 'subscribe', ...operation });
    },
    waitFor: (total, timeoutMs) => tally.waitFor(total, timeoutMs),
    async reset() {
      generation++;
      send({ cmd: 'reset' });
      tally.set(0);
    },
    take() {
      return new Promise((resolve) => {
        taken = resolve;
        send({ cmd: 'take' });
      });
    },
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      send({ cmd: 'close' });
      await gone;
    },
  };
}
