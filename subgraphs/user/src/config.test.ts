import { parseUserConfig } from './config';

describe('parseUserConfig', () => {
  it('has working defaults for development: memory stores, in-process bus, dev secrets', () => {
    const config = parseUserConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 4001,
      MONGODB_DB: 'social_user',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_DAYS: 30,
      EVENT_SUBJECT_PREFIX: '',
    });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
    expect(config.ACCESS_TOKEN_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(config.INTERNAL_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('reads every variable, treating empty strings as unset', () => {
    const config = parseUserConfig({
      PORT: '0',
      MONGODB_URI: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      MONGODB_DB: 'run_1_user',
      ACCESS_TOKEN_SECRET: 'x'.repeat(40),
      ACCESS_TOKEN_TTL_SECONDS: '60',
      REFRESH_TOKEN_TTL_DAYS: '7',
      NATS_URL: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      EVENT_SUBJECT_PREFIX: 'run1.',
      HOST: '',
    });
    expect(config).toMatchObject({
      PORT: 0,
      MONGODB_URI: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      MONGODB_DB: 'run_1_user',
      ACCESS_TOKEN_SECRET: 'x'.repeat(40),
      ACCESS_TOKEN_TTL_SECONDS: 60,
      REFRESH_TOKEN_TTL_DAYS: 7,
      NATS_URL: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      EVENT_SUBJECT_PREFIX: 'run1.',
      HOST: '127.0.0.1',
    });
  });

  it('refuses missing or short secrets in production and lists every problem', () => {
    expect(() => parseUserConfig({ NODE_ENV: 'production' })).toThrow(
      /INTERNAL_AUTH_SECRET: is required in production\n {2}- ACCESS_TOKEN_SECRET: is required in production/,
    );
    expect(() => parseUserConfig({ MONGODB_URI: 'postgres://db' })).toThrow(/MONGODB_URI: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URI/);
    expect(() => parseUserConfig({ NODE_ENV: 'production', INTERNAL_AUTH_SECRET: 'y'.repeat(40), ACCESS_TOKEN_SECRET: 'short' })).toThrow(
      /ACCESS_TOKEN_SECRET: must be at least 32 characters/,
    );
  });
});
