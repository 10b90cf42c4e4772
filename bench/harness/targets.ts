import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RealStores } from '@social/stack';
import { REPO_ROOT, freePort, startChild, waitForGraphQL, type ChildHandle } from './processes';
import type { StackHostConfig, StackHostReady } from './stack-host';

export const SUPERGRAPH_PATH = path.join(REPO_ROOT, 'supergraph.graphql');

/** Every child runs as it would in production: NODE_ENV=production, quiet logs. */
const PRODUCTION_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };

export interface Secrets {
  internal: string;
  accessToken: string;
}

export const newSecrets = (): Secrets => ({
  internal: randomBytes(32).toString('base64url'),
  accessToken: randomBytes(32).toString('base64url'),
});

export interface RunningStack {
  handle: ChildHandle<StackHostReady>;
  urls: StackHostReady['urls'];
  seeded?: StackHostReady['seeded'];
  secrets: Secrets;
}

/** Every subgraph (and an unused gateway) in one child process, on the real stores or memory ones. */
export async function startStackHost(opts: {
  real?: RealStores;
  secrets: Secrets;
  feedEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** With `real`: users and posts in memory stores (see memory-documents.ts). */
  memoryDocuments?: boolean;
}): Promise<RunningStack> {
  const config: StackHostConfig = {
    real: opts.real,
    secrets: opts.secrets,
    seedDemo: !opts.real,
    logLevel: 'warn',
    ...(opts.feedEnv ? { feedEnv: opts.feedEnv } : {}),
    ...(opts.gatewayEnv ? { gatewayEnv: opts.gatewayEnv } : {}),
    ...(opts.memoryDocuments ? { memoryDocuments: true } : {}),
  };
  const profile = profileFlags().nodeFlags ?? [];
  // Memory documents put a dataset's users and posts (500,000 at M) in the old generation: every
  // major GC then marks all of it. A larger young generation lets a request's garbage die young.
  const young = opts.memoryDocuments ? [`--max-semi-space-size=${process.env['BENCH_SEMI_SPACE_MB'] ?? '64'}`] : [];
  const handle = await startChild<StackHostReady>('stack', path.join(__dirname, 'stack-host.ts'), {
    env: { ...PRODUCTION_ENV, BENCH_STACK: JSON.stringify(config) },
    nodeFlags: [...young, ...profile],
    ipcReady: true,
    stopByMessage: true,
    readyTimeoutMs: 300_000,
  });
  return { handle, urls: handle.info.urls, ...(handle.info.seeded ? { seeded: handle.info.seeded } : {}), secrets: opts.secrets };
}

/**
 * BENCH_PROFILE_DIR=<dir>: the stack host and every gateway write a V8 CPU profile there when they stop
 * (open it in Chrome DevTools or speedscope), to see where a scenario's time goes.
 */
export function profileFlags(): { nodeFlags?: string[] } {
  const dir = process.env['BENCH_PROFILE_DIR'];
  return dir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] } : {};
}

export type GatewayKind = 'ours' | 'hive' | 'apollo-default';

export interface RunningGateway {
  kind: GatewayKind;
  url: string;
  handle: ChildHandle;
}

const ENTRIES: Record<GatewayKind, string> = {
  ours: path.join(REPO_ROOT, 'gateway', 'src', 'index.ts'),
  hive: path.join(__dirname, 'peers', 'hive-gateway.ts'),
  'apollo-default': path.join(__dirname, 'peers', 'apollo-gateway.ts'),
};

/**
 * Starts one gateway process over the stack's subgraphs (same supergraph.graphql for all three),
 * with `workers` processes (ours: GATEWAY_WORKERS; the peers: the same count through Node cluster),
 * and waits until it answers `probe`.
 */
export async function startGateway(
  kind: GatewayKind,
  stack: RunningStack,
  opts: { workers: number; probe: string; nodeFlags?: string[]; env?: Record<string, string> },
): Promise<RunningGateway> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...PRODUCTION_ENV,
    PORT: String(port),
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH,
    INTERNAL_AUTH_SECRET: stack.secrets.internal,
    ACCESS_TOKEN_SECRET: stack.secrets.accessToken,
    SUBGRAPH_URL_USER: stack.urls.user,
    SUBGRAPH_URL_SOCIAL_GRAPH: stack.urls.socialGraph,
    SUBGRAPH_URL_POST: stack.urls.post,
    SUBGRAPH_URL_FEED: stack.urls.feed,
    GATEWAY_WORKERS: String(opts.workers),
    WORKERS: String(opts.workers),
    ...opts.env,
  };
  const handle = await startChild(kind, ENTRIES[kind], { env, ...(opts.nodeFlags ? { nodeFlags: opts.nodeFlags } : profileFlags()) });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForGraphQL(url, opts.probe, { child: handle.child });
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return { kind, url, handle };
}
