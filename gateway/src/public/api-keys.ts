import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Visible prefix of every key: recognisable in logs and by secret scanners, like GitHub's ghp_. */
export const API_KEY_PREFIX = 'sk_live_';
/** The default budget of a new key, in cost points per hour (GitHub's GraphQL API grants 5,000). */
export const DEFAULT_BUDGET_PER_HOUR = 5_000;

export interface ApiKeyRecord {
  /** The key's public id: its first characters (prefix + 8), safe to show and log. */
  id: string;
  /** Who the key is for, e.g. "acme analytics". */
  name: string;
  budgetPerHour: number;
  createdAt: string;
  revokedAt: string | null;
}

/** Only the sha256 of a key is stored: the key itself is shown once, at issue, and cannot be recovered. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** 32 random bytes (256 bits) after the prefix: too much entropy to guess, so a fast hash is enough. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export interface ApiKeyStore {
  /** Creates a key; the returned key is the only copy of it. */
  issue(name: string, budgetPerHour?: number): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The record of an active key, or null for an unknown or revoked one. */
  verify(key: string): Promise<ApiKeyRecord | null>;
  /** Revokes by public id; false when no such key. Takes effect on the next request. */
  revoke(id: string): Promise<boolean>;
  list(): Promise<ApiKeyRecord[]>;
}

function newRecord(key: string, name: string, budgetPerHour: number): ApiKeyRecord {
  if (!Number.isInteger(budgetPerHour) || budgetPerHour < 1)
    throw new Error('the budget must be a positive whole number of points per hour');
  return { id: key.slice(0, API_KEY_PREFIX.length + 8), name, budgetPerHour, createdAt: new Date().toISOString(), revokedAt: null };
}

/** Keys in process memory: tests, and a gateway without REDIS_URL. */
export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly byHash = new Map<string, ApiKeyRecord>();

  async issue(name: string, budgetPerHour = DEFAULT_BUDGET_PER_HOUR) {
    const key = generateApiKey();
    const record = newRecord(key, name, budgetPerHour);
    this.byHash.set(hashApiKey(key), record);
    return { key, record };
  }

  async verify(key: string) {
    const record = this.byHash.get(hashApiKey(key));
    return record && !record.revokedAt ? record : null;
  }

  async revoke(id: string) {
    const record = [...this.byHash.values()].find((r) => r.id === id);
    if (!record) return false;
    record.revokedAt ??= new Date().toISOString();
    return true;
  }

  async list() {
    return [...this.byHash.values()];
  }
}

/**
 * Keys in one Redis hash (field = sha256 of the key, value = the record as JSON), shared by every
 * gateway instance and by `scripts/api-keys.ts`. Revoked keys stay listed, marked revoked.
 */
export class RedisApiKeyStore implements ApiKeyStore {
  private readonly hashKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.hashKey = `${prefix}apikeys`;
  }

  async issue(name: string, budgetPerHour = DEFAULT_BUDGET_PER_HOUR) {
    const key = generateApiKey();
    const record = newRecord(key, name, budgetPerHour);
    await this.redis.hset(this.hashKey, hashApiKey(key), JSON.stringify(record));
    return { key, record };
  }

  async verify(key: string) {
    const json = await this.redis.hget(this.hashKey, hashApiKey(key));
    const record = json ? (JSON.parse(json) as ApiKeyRecord) : null;
    return record && !record.revokedAt ? record : null;
  }

  async revoke(id: string) {
    const all = await this.redis.hgetall(this.hashKey);
    const hit = Object.entries(all).find(([, json]) => (JSON.parse(json) as ApiKeyRecord).id === id);
    if (!hit) return false;
    const record = JSON.parse(hit[1]) as ApiKeyRecord;
    record.revokedAt ??= new Date().toISOString();
    await this.redis.hset(this.hashKey, hit[0], JSON.stringify(record));
    return true;
  }

  async list() {
    return Object.values(await this.redis.hgetall(this.hashKey)).map((json) => JSON.parse(json) as ApiKeyRecord);
  }
}
