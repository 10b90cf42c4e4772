import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { workerCount } from '../src/cluster';

describe('workerCount', () => {
  it('takes a positive count as it is and 0 as one per core', () => {
    expect(workerCount(1, 8)).toBe(1);
    expect(workerCount(3, 8)).toBe(3);
    expect(workerCount(0, 8)).toBe(8);
    expect(workerCount(0, 0)).toBe(1);
  });
});

const REPO = path.resolve(__dirname, '..', '..');
const SECRET = 'c'.repeat(40);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The gateway workers among a process's children (tsx may also run an esbuild child when its cache is cold). */
function workersOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) return false;
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(path.join('gateway', 'src', 'index.ts'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * `node gateway/src/index.ts` with GATEWAY_WORKERS=2: two worker processes share the port, and on
 * SIGTERM a request already in flight is answered before the processes exit.
 */
const START_TIMEOUT_MS = 180_000;

describe('gateway cluster (GATEWAY_WORKERS=2)', () => {
  let stub: http.Server;
  let gateway: ChildProcess;
  let url: string;
  let release: (() => void) | null = null;
  let held: Promise<void> | null = null;
  let arrived: (() => void) | null = null;

  beforeAll(async () => {
    stub = http.createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        arrived?.();
        if (held) await held;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { hello: 'world' } }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const typeDefs = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Query { hello: String! }`);
    const composed = composeServices([{ name: 'stub', url: 'http://unused.invalid/graphql', typeDefs }]);
    if (composed.errors) throw composed.errors[0];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'supergraph-')), 'stub.graphql');
    writeFileSync(file, composed.supergraphSdl);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    gateway = spawn(process.execPath, ['--import', 'tsx', '--conditions=@social/source', path.join(REPO, 'gateway', 'src', 'index.ts')], {
      cwd: REPO,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        GATEWAY_WORKERS: '2',
        SUPERGRAPH_PATH: file,
        SUBGRAPH_URL_STUB: `http://127.0.0.1:${(stub.address() as net.AddressInfo).port}/graphql`,
        INTERNAL_AUTH_SECRET: SECRET,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true, // its own process group, so afterAll can end the primary and both workers at once
    });
    // Up when both workers answer (each has its own listening handle behind the shared port). Starting
    // three tsx processes takes seconds on an idle machine and much longer on a loaded one: bounded, not timed.
    const deadline = Date.now() + START_TIMEOUT_MS - 5_000;
    for (;;) {
      if (gateway.exitCode !== null) throw new Error('the gateway exited during start-up');
      if (Date.now() > deadline) throw new Error('the gateway cluster did not come up in time');
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok && workersOf(gateway.pid!).length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    if (gateway?.pid && gateway.exitCode === null) {
      try {
        process.kill(-gateway.pid, 'SIGKILL'); // the whole group: primary and workers
      } catch {
        // already gone
      }
    }
    await new Promise<void>((r) => stub.close(() => r()));
  });

  it('runs two workers behind one port', async () => {
    expect(workersOf(gateway.pid!)).toHaveLength(2);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' }).then((r) =>
          r.json(),
        ),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ data: { hello: 'world' } })));
  });

  it('on SIGTERM answers the request in flight, then every process exits cleanly', async () => {
    held = new Promise<void>((r) => (release = r));
    const reachedStub = new Promise<void>((r) => (arrived = r));
    const inFlight = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
    await reachedStub; // the request is inside the gateway, waiting for its subgraph
    const exited = new Promise<number | null>((r) => gateway.once('exit', (code) => r(code)));
    gateway.kill('SIGTERM');
    // Draining has begun once the port refuses new connections (every worker closed its listener).
    while (await acceptsConnections(url)) await new Promise((r) => setTimeout(r, 25));
    release!();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { hello: 'world' } });
    expect(await exited).toBe(0);
  });
});
