import { API_KEY_PREFIX, hashApiKey, MemoryApiKeyStore } from '../src/public/api-keys';
import { BUDGET_WINDOW_MS, MemoryCostBudget } from '../src/public/budget';

describe('API keys (memory store)', () => {
  it('issues high-entropy keys with a visible prefix and a public id, and stores only their hash', async () => {
    const keys = new MemoryApiKeyStore();
    const { key, record } = await keys.issue('acme', 1_000);
    expect(key).toMatch(new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
    expect(key.startsWith(record.id)).toBe(true);
    expect(JSON.stringify(await keys.list())).not.toContain(key);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(await keys.verify(key)).toMatchObject({ name: 'acme', budgetPerHour: 1_000, revokedAt: null });
  });

  it('stops accepting a revoked key and keeps it listed as revoked', async () => {
    const keys = new MemoryApiKeyStore();
    const { key, record } = await keys.issue('gone');
    expect(await keys.revoke(record.id)).toBe(true);
    expect(await keys.verify(key)).toBeNull();
    expect((await keys.list())[0]!.revokedAt).toEqual(expect.any(String));
    expect(await keys.revoke('sk_live_unknown')).toBe(false);
  });

  it('refuses a budget that is not a positive whole number', async () => {
    await expect(new MemoryApiKeyStore().issue('x', 0)).rejects.toThrow(/budget/);
  });
});

describe('cost budget (memory)', () => {
  it('spends points within the hour, refuses what would overdraw, and resets on the hour', async () => {
    const budget = new MemoryCostBudget();
    const hour = Math.floor(Date.now() / BUDGET_WINDOW_MS) * BUDGET_WINDOW_MS;
    expect(await budget.charge('k', 7, 10, hour + 1)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 3,
      resetAt: (hour + BUDGET_WINDOW_MS) / 1000,
    });
    expect(await budget.charge('k', 4, 10, hour + 2)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await budget.charge('k', 3, 10, hour + 3)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await budget.charge('k', 1, 10, hour + BUDGET_WINDOW_MS)).toMatchObject({ allowed: true, remaining: 9 });
    expect(await budget.charge('other', 1, 10, hour + 3)).toMatchObject({ allowed: true, remaining: 9 });
  });
});
