// npm start: the whole platform in one process on memory stores, seeded with a demo network.
import { createLogger, stopOnSignals } from '@social/kit';
import { DEMO_LOGIN, seedDemoNetwork, startStack } from '@social/stack';

const EMBEDDED_PORTS = { gateway: 4000, user: 4001, socialGraph: 4002, post: 4003, feed: 4004, notification: 4005 };

/** Real servers when all four URLs are set (e.g. after `eval "$(bash scripts/services start)"`), else memory. */
function realStoresFromEnv() {
  const { MONGODB_URI, NEO4J_URI, REDIS_URL, NATS_URL } = process.env;
  if (!MONGODB_URI || !NEO4J_URI || !REDIS_URL || !NATS_URL) return undefined;
  return {
    mongodbUri: MONGODB_URI,
    neo4jUri: NEO4J_URI,
    redisUrl: REDIS_URL,
    natsUrl: NATS_URL,
    isolation: `dev_${Date.now().toString(36)}`,
  };
}

async function main() {
  const logger = createLogger('embedded', 'info');
  const real = realStoresFromEnv();
  const stack = await startStack({ ports: EMBEDDED_PORTS, logLevel: 'warn', real });
  stopOnSignals(logger, [stack.stop]);
  logger.info('seeding demo network...');
  const seeded = await seedDemoNetwork(stack.gatewayUrl);
  const base = stack.gatewayUrl.replace('127.0.0.1', 'localhost');
  console.log(`
Social platform running on ${real ? `real servers (data prefix ${real.isolation})` : 'memory stores (embedded default)'}.

  GraphQL endpoint   ${base}   (open it in a browser for Apollo Sandbox)
  Health / ready     ${base.replace('/graphql', '/health')}   ${base.replace('/graphql', '/ready')}
  Demo network       ${seeded.users} users, ${seeded.follows} follows, ${seeded.posts} posts

Try it: sign in as "${DEMO_LOGIN.handle}" with password "${DEMO_LOGIN.password}":
  curl -s ${base} -H 'content-type: application/json' \\
    -d '{"query":"mutation { login(input: {handleOrEmail: \\"${DEMO_LOGIN.handle}\\", password: \\"${DEMO_LOGIN.password}\\"}) { accessToken } }"}'
then send "Authorization: Bearer <accessToken>" with { homeTimeline(first: 5) { edges { node { text author { handle } } } } }

Ctrl-C stops everything gracefully.`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
