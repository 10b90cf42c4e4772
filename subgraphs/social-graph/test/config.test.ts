import { parseSocialGraphConfig } from '../src/config';

describe('parseSocialGraphConfig', () => {
  it('defaults to the embedded set-up: memory graph, in-process bus, user service on 4001', () => {
    const config = parseSocialGraphConfig({});
    expect(config).toMatchObject({
      PORT: 4002,
      NEO4J_LABEL_PREFIX: '',
      USER_URL: 'http://127.0.0.1:4001/graphql',
      EVENT_SUBJECT_PREFIX: '',
      HOST: '127.0.0.1',
    });
    expect(config.NEO4J_URI).toBeUndefined();
    expect(config.NEO4J_USER).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('has the documented defaults for the cache, VIP status, suggestions and the relay', () => {
    expect(parseSocialGraphConfig({})).toMatchObject({
      REDIS_KEY_PREFIX: 'sg:',
      CACHE_TTL_MS: 60_000,
      NEO4J_TX_TIMEOUT_MS: 5_000,
      VIP_THRESHOLD: 10_000,
      SUGGESTIONS_MAX_AGE_MS: 2 * 3600_000,
      SUGGESTIONS_PRECOMPUTE_INTERVAL_MS: 3600_000,
      ACTIVE_USER_DAYS: 7,
      SUGGESTIONS_TIMEOUT_MS: 1_000,
      POPULAR_REFRESH_MS: 300_000,
      OUTBOX_POLL_MS: 2_000,
    });
    expect(parseSocialGraphConfig({ CACHE_TTL_MS: '0', VIP_THRESHOLD: '500' })).toMatchObject({ CACHE_TTL_MS: 0, VIP_THRESHOLD: 500 });
    expect(() => parseSocialGraphConfig({ VIP_THRESHOLD: '0' })).toThrow(/VIP_THRESHOLD/);
    expect(() => parseSocialGraphConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });

  it('reads the stores and treats empty strings as unset', () => {
    const config = parseSocialGraphConfig({
      PORT: '0',
      NEO4J_URI: 'bolt://127.0.0.1:7687',
      NEO4J_USER: 'neo4j',
      NEO4J_PASSWORD: 'secret',
      NEO4J_LABEL_PREFIX: 'test_1',
      USER_URL: '',
      NATS_URL: 'nats://127.0.0.1:4222',
    });
    expect(config).toMatchObject({ PORT: 0, NEO4J_URI: 'bolt://127.0.0.1:7687', NEO4J_USER: 'neo4j', NEO4J_LABEL_PREFIX: 'test_1' });
    expect(config.USER_URL).toBe('http://127.0.0.1:4001/graphql');
  });

  it('refuses a label prefix that could inject Cypher, and lists every problem at once', () => {
    expect(() =>
      parseSocialGraphConfig({ NEO4J_LABEL_PREFIX: 'x` DETACH DELETE', NEO4J_URI: 'not a url', NODE_ENV: 'production' }),
    ).toThrow(/NEO4J_LABEL_PREFIX[\s\S]*NEO4J_URI|NEO4J_URI[\s\S]*NEO4J_LABEL_PREFIX/);
    expect(() => parseSocialGraphConfig({ NODE_ENV: 'production' })).toThrow(/INTERNAL_AUTH_SECRET/);
  });
});
