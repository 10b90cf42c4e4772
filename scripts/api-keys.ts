// npm run api-keys -- issue <name> [points per hour] | revoke <key id> | list
// Manages the public API's keys in Redis (REDIS_URL, keys under EDGE_KEY_PREFIX, as the gateway reads
// them). A new key is printed once: only its sha256 is stored.
import { Redis } from 'ioredis';
import { DEFAULT_BUDGET_PER_HOUR, RedisApiKeyStore } from '../gateway/src/public/api-keys';

const USAGE = 'usage: npm run api-keys -- issue <name> [points per hour] | revoke <key id> | list';

async function main() {
  const [command, arg, budget] = process.argv.slice(2);
  if (!process.env['REDIS_URL']) throw new Error('REDIS_URL must point at the Redis the gateways use (keys live there).');
  const redis = new Redis(process.env['REDIS_URL']);
  const keys = new RedisApiKeyStore(redis, process.env['EDGE_KEY_PREFIX'] || 'gw:');
  try {
    if (command === 'issue' && arg) {
      const { key, record } = await keys.issue(arg, budget ? Number(budget) : DEFAULT_BUDGET_PER_HOUR);
      console.log(`Issued ${record.id} for "${record.name}" (${record.budgetPerHour} points/hour). The key, shown only now:\n${key}`);
    } else if (command === 'revoke' && arg) {
      if (!(await keys.revoke(arg))) throw new Error(`no key with id ${arg}`);
      console.log(`Revoked ${arg}.`);
    } else if (command === 'list') {
      for (const r of await keys.list()) {
        console.log(`${r.id}\t${r.name}\t${r.budgetPerHour}/h\tcreated ${r.createdAt}${r.revokedAt ? `\trevoked ${r.revokedAt}` : ''}`);
      }
    } else {
      console.error(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await redis.quit();
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
