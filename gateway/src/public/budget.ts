import type { Redis } from 'ioredis';

/** Budgets reset on the hour, like GitHub's: a client can see exactly when (x-ratelimit-reset). */
export const BUDGET_WINDOW_MS = 3_600_000;

export interface BudgetCharge {
  allowed: boolean;
  limit: number;
  /** Points left in this window after the charge (unchanged when the charge was refused). */
  remaining: number;
  /** When the window resets, in epoch seconds. */
  resetAt: number;
}

/** A per-key budget of cost points per hour. */
export interface CostBudget {
  charge(keyId: string, cost: number, limit: number, now?: number): Promise<BudgetCharge>;
}

const windowOf = (now: number) => {
  const start = Math.floor(now / BUDGET_WINDOW_MS) * BUDGET_WINDOW_MS;
  return { start, endMs: start + BUDGET_WINDOW_MS };
};

const result = (allowed: boolean, used: number, limit: number, endMs: number): BudgetCharge => ({
  allowed,
  limit,
  remaining: Math.max(0, limit - used),
  resetAt: endMs / 1000,
});

/** One process's budgets (tests, and a gateway without REDIS_URL). */
export class MemoryCostBudget implements CostBudget {
  private readonly used = new Map<string, { start: number; used: number }>();

  async charge(keyId: string, cost: number, limit: number, now = Date.now()) {
    const { start, endMs } = windowOf(now);
    const entry = this.used.get(keyId);
    const used = entry?.start === start ? entry.used : 0;
    if (used + cost > limit) return result(false, used, limit, endMs);
    this.used.set(keyId, { start, used: used + cost });
    return result(true, used + cost, limit, endMs);
  }
}

/**
 * Charge and check in one step on the Redis server, so concurrent requests on several gateway
 * instances can never together spend more than the budget: a charge that would overdraw is undone in
 * the same script and refused. The counter expires with its window.
 */
const CHARGE_SCRIPT = `
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
if used == tonumber(ARGV[1]) then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
if used > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, used - tonumber(ARGV[1])}
end
return {1, used}
`;

export class RedisCostBudget implements CostBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async charge(keyId: string, cost: number, limit: number, now = Date.now()) {
    const { start, endMs } = windowOf(now);
    const key = `${this.prefix}budget:${keyId}:${start}`;
    const [allowed, used] = (await this.redis.eval(CHARGE_SCRIPT, 1, key, cost, limit, endMs)) as [number, number];
    return result(allowed === 1, used, limit, endMs);
  }
}
