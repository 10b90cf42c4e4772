import { parsePostConfig } from '../src/server';

describe('parsePostConfig', () => {
  it('defaults to port 4003, memory stores and an in-process bus', () => {
    const config = parsePostConfig({});
    expect(config).toMatchObject({ PORT: 4003, MONGODB_DB: 'social_post', EVENT_SUBJECT_PREFIX: '', NODE_ENV: 'development' });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
    expect(config.INTERNAL_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('treats empty values as unset and reads the store settings', () => {
    const config = parsePostConfig({
      PORT: '0',
      MONGODB_URI: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      MONGODB_DB: '',
      NATS_URL: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      EVENT_SUBJECT_PREFIX: 'run1.',
    });
    expect(config).toMatchObject({
      PORT: 0,
      MONGODB_DB: 'social_post',
      NATS_URL: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      EVENT_SUBJECT_PREFIX: 'run1.',
    });
    expect(config.MONGODB_URI).toBe('mongodb://a:27017,b:27017/?replicaSet=rs0');
  });

  it('reports every problem at once', () => {
    let message = '';
    try {
      parsePostConfig({ PORT: 'x', MONGODB_URI: 'http://nope', NATS_URL: 'not a url', EVENT_SUBJECT_PREFIX: 'no dot' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const key of ['PORT', 'MONGODB_URI', 'NATS_URL', 'EVENT_SUBJECT_PREFIX']) expect(message).toContain(key);
  });

  it('requires a real internal secret in production', () => {
    expect(() => parsePostConfig({ NODE_ENV: 'production' })).toThrow(/INTERNAL_AUTH_SECRET/);
    expect(() => parsePostConfig({ NODE_ENV: 'production', INTERNAL_AUTH_SECRET: 'short' })).toThrow(/INTERNAL_AUTH_SECRET/);
  });
});
