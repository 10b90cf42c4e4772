/**
 * Child process entry: runs @social/stack's startStack (every subgraph plus a gateway in this one
 * process, each on its own port) so the load generator and the gateways under test run in other
 * processes and do not share this event loop. Configured by BENCH_STACK (JSON), reports its URLs
 * over IPC, stops when asked over IPC.
 */
import { startStack, seedDemoNetwork, type RealStores } from '@social/stack';
import { stackHostConfigJson, UNLIMITED_GATEWAY } from './config';
import { memoryDocuments } from './memory-documents';

export interface StackHostConfig {
  real?: RealStores;
  secrets: { internal: string; accessToken: string };
  /** Embedded mode has empty memory stores: seed the demo network through the API. */
  seedDemo: boolean;
  logLevel?: string;
  /** Settings for the feed (e.g. TIMELINE_STRATEGY) and the stack's own gateway. */
  feedEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** With `real`: the dataset's users and posts in memory stores instead of on the MongoDB-wire server. */
  memoryDocuments?: boolean;
}

export interface StackHostReady {
  type: 'ready';
  urls: { gateway: string; user: string; socialGraph: string; post: string; feed: string };
  seeded?: { users: number; follows: number; posts: number };
}

async function main(): Promise<void> {
  const config = JSON.parse(stackHostConfigJson()) as StackHostConfig;
  const documents =
    config.memoryDocuments && config.real ? await memoryDocuments(config.real.mongodbUri, config.real.isolation) : undefined;
  const stack = await startStack({
    ...(documents ? { userStores: documents.userStores, postStores: documents.postStores } : {}),
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
