import { parseFeedConfig } from './config';

describe('parseFeedConfig', () => {
  it('runs with no settings at all: port 4004, local upstreams, the hybrid strategy, in-process fan-out', () => {
    const config = parseFeedConfig({});
    expect(config).toMatchObject({
      PORT: 4004,
      SOCIAL_GRAPH_URL: 'http://127.0.0.1:4002/graphql',
      POST_URL: 'http://127.0.0.1:4003/graphql',
      TIMELINE_STRATEGY: 'hybrid',
      HOST: '127.0.0.1',
      FANOUT_BATCH_SIZE: 1000,
      FANOUT_SHARDS: 8,
      FANOUT_IN_PROCESS: true,
      INACTIVE_AFTER_DAYS: 30,
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    const config = parseFeedConfig({ PORT: '', SOCIAL_GRAPH_URL: '', TIMELINE_STRATEGY: '', REDIS_URL: '' });
    expect(config).toMatchObject({ PORT: 4004, SOCIAL_GRAPH_URL: 'http://127.0.0.1:4002/graphql', TIMELINE_STRATEGY: 'hybrid' });
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('takes the upstream URLs, store and bus settings given', () => {
    const config = parseFeedConfig({
      PORT: '0',
      SOCIAL_GRAPH_URL: 'http://social-graph:4002/graphql',
      POST_URL: 'http://post:4003/graphql',
      REDIS_URL: 'redis://redis:6379',
      REDIS_KEY_PREFIX: 'run1:',
      NATS_URL: 'nats://nats:4222',
      EVENT_SUBJECT_PREFIX: 'run1.',
      TIMELINE_STRATEGY: 'push-only',
      FANOUT_BATCH_SIZE: '500',
      FANOUT_SHARDS: '4',
      FANOUT_IN_PROCESS: 'false',
      INACTIVE_AFTER_DAYS: '7',
    });
    expect(config).toMatchObject({
      TIMELINE_STRATEGY: 'push-only',
      FANOUT_BATCH_SIZE: 500,
      FANOUT_SHARDS: 4,
      FANOUT_IN_PROCESS: false,
      INACTIVE_AFTER_DAYS: 7,
      PORT: 0,
      SOCIAL_GRAPH_URL: 'http://social-graph:4002/graphql',
      POST_URL: 'http://post:4003/graphql',
      REDIS_URL: 'redis://redis:6379',
      REDIS_KEY_PREFIX: 'run1:',
      NATS_URL: 'nats://nats:4222',
      EVENT_SUBJECT_PREFIX: 'run1.',
    });
  });

  it('lists every problem at once: an unknown strategy, a bad URL, a missing production secret', () => {
    const attempt = () =>
      parseFeedConfig({ NODE_ENV: 'production', TIMELINE_STRATEGY: 'fanout', POST_URL: 'not a url', FANOUT_SHARDS: '0' });
    expect(attempt).toThrow(/TIMELINE_STRATEGY/);
    expect(attempt).toThrow(/POST_URL/);
    expect(attempt).toThrow(/INTERNAL_AUTH_SECRET/);
    expect(attempt).toThrow(/FANOUT_SHARDS/);
  });
});
