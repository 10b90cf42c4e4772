/**
 * Child process entry: runs @social/stack's startStack (every subgraph plus a gateway in this one
 * process, each on its own port) so the load generator and the gateways under test run in other
 * processes and do not share this event loop. Configured by BENCH_STACK (JSON), reports its URLs
 * over IPC, stops when asked over IPC.
 */
import { startStack, seedDemoNetwork, type RealStores } from '@social/stack';
import { stackHostConfigJson } from './config';

export interface StackHostConfig {
  real?: RealStores;
  secrets: { internal: string; accessToken: string };
  /** Embedded mode has empty memory stores: seed the demo network through the API. */
  seedDemo: boolean;
  logLevel?: string;
  /** Settings for the feed (e.g. TIMELINE_STRATEGY) and the stack's own gateway. */
  feedEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
}

/**
 * The stack's gateway serves load from a handful of sampled viewers on one address: per-viewer and per-IP rate
 * limits would measure the limiter, not the path under test (edge-cost measures the limits on their own).
 */
const UNLIMITED_GATEWAY = { RATE_LIMIT_PER_USER: '0', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_API_KEY: '0' };

export interface StackHostReady {
  type: 'ready';
  urls: { gateway: string; user: string; socialGraph: string; post: string; feed: string };
  seeded?: { users: number; follows: number; posts: number };
}

async function main(): Promise<void> {
  const config = JSON.parse(stackHostConfigJson()) as StackHostConfig;
  const stack = await startStack({
    real: config.real,
    secrets: config.secrets,
    logLevel: config.logLevel ?? 'warn',
    nodeEnv: 'production',
    ...(config.feedEnv ? { feedEnv: config.feedEnv } : {}),
    gatewayEnv: { ...UNLIMITED_GATEWAY, ...config.gatewayEnv },
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stack.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  // The harness asks over IPC rather than with SIGTERM: Apollo Server installs its own SIGTERM/SIGINT
  // handlers in every service (outside NODE_ENV=test), which stop each server on their own and would
  // race this orderly stop.
  process.on('message', (msg: { type?: string }) => msg?.type === 'stop' && stop());
  process.on('disconnect', stop); // the harness died: do not linger holding ports and connections
  const seeded = config.seedDemo ? await seedDemoNetwork(stack.gatewayUrl) : undefined;
  const s = stack.services;
  const ready: StackHostReady = {
    type: 'ready',
    urls: { gateway: stack.gatewayUrl, user: s.user.url, socialGraph: s.socialGraph.url, post: s.post.url, feed: s.feed.url },
    ...(seeded ? { seeded } : {}),
  };
  process.send?.(ready);
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', error: (err as Error).stack ?? String(err) });
  console.error(err);
  process.exit(1);
});
