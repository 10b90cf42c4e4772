import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway server of one kind, for tests that stop a server mid-run (degradation, crash recovery):
 * those must never stop the shared servers other test files use. It runs the same binaries that
 * scripts/services installed (so `npm test` has already installed them), on a free port with its own
 * data directory; stop() and start() restart it on the same port with the same data, as a crash and
 * recovery would.
 */
export type ServerKind = 'redis' | 'nats' | 'neo4j' | 'mongo';

export interface PrivateServer {
  kind: ServerKind;
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = { redis: 10_000, nats: 10_000, mongo: 20_000, neo4j: 90_000 } as const;

function servicesHome(env = process.env): string {
  return env['SOCIAL_SERVICES_HOME'] ?? path.join(os.homedir(), '.cache', 'social-services');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function command(kind: ServerKind, port: number, dir: string, home: string): { cmd: string; args: string[]; readyLine?: RegExp } {
  switch (kind) {
    case 'redis':
      // No persistence, as in scripts/services: a restart loses what was in memory, which is the point of the tests.
      return {
        cmd: 'redis-server',
        args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      };
    case 'nats': {
      const conf = path.join(dir, 'nats.conf');
      writeFileSync(conf, `listen: 127.0.0.1:${port}\njetstream {\n  store_dir: "${path.join(dir, 'js')}"\n  sync_interval: always\n}\n`);
      return { cmd: path.join(home, 'bin', 'nats-server'), args: ['-c', conf] };
    }
    case 'mongo': {
      const sqlite = path.join(dir, 'sqlite');
      mkdirSync(sqlite, { recursive: true });
      return {
        cmd: path.join(home, 'bin', 'ferretdb'),
        args: [
          `--handler=sqlite`,
          `--sqlite-url=file:${sqlite}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${dir}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=error',
        ],
      };
    }
    case 'neo4j': {
      const lib = path.join(home, 'neo4j');
      return {
        cmd: 'java',
        args: [
          '-Xms128m',
          '-Xmx512m',
          '-XX:+UseG1GC',
          '--add-opens=java.base/java.nio=ALL-UNNAMED',
          '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
          '--add-opens=java.base/java.io=ALL-UNNAMED',
          '--add-opens=java.base/java.lang=ALL-UNNAMED',
          '-cp',
          `${lib}/launcher.jar:${lib}/lib/*`,
          'Launcher',
          path.join(dir, 'neo4j'),
          String(port),
        ],
        readyLine: /NEO4J READY/,
      };
    }
  }
}

const urlOf = (kind: ServerKind, port: number) =>
  ({
    redis: `redis://127.0.0.1:${port}`,
    nats: `nats://127.0.0.1:${port}`,
    mongo: `mongodb://127.0.0.1:${port}/`,
    neo4j: `bolt://127.0.0.1:${port}`,
  })[kind];

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function privateServer(kind: ServerKind): Promise<PrivateServer> {
  const home = servicesHome();
  const dir = mkdtempSync(path.join(os.tmpdir(), `private-${kind}-`));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    const { cmd, args, readyLine } = command(kind, port, dir, home);
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    let sawReadyLine = !readyLine;
    const onData = (b: Buffer) => {
      output += b.toString();
      if (readyLine?.test(output)) sawReadyLine = true;
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    const deadline = Date.now() + READY_TIMEOUT_MS[kind];
    while (!(sawReadyLine && (await canConnect(port)))) {
      if (proc.exitCode !== null) throw new Error(`private ${kind} exited (${proc.exitCode}): ${output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`private ${kind} did not answer on port ${port} in time: ${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL'); // a crash, not a clean shutdown: what the degradation tests are about
    await exited;
    // The port must be free again before a restart on it.
    while (await canConnect(port)) await new Promise((r) => setTimeout(r, 20));
  };

  await start();
  return {
    kind,
    url: urlOf(kind, port),
    port,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
