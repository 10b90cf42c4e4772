import type { Redis } from 'ioredis';

/**
 * Apollo's KeyValueCache on Redis, for the APQ registry: every gateway instance sees a query as soon
 * as any one of them registered it, so a client's hash-only retry may land anywhere.
 */
export class RedisKeyValueCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', options.ttl);
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }
}
