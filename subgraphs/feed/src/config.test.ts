import { parseFeedConfig } from './config';

describe('parseFeedConfig', () => {
  it('runs with no settings at all: port 4004, local upstreams, the pull strategy', () => {
    const config = parseFeedConfig({});
    expect(config).toMatchObject({
      PORT: 4004,
      SOCIAL_GRAPH_URL: 'http://127.0.0.1:4002/graphql',
      POST_URL: 'http://127.0.0.1:4003/graphql',
      TIMELINE_STRATEGY: 'pull',
      HOST: '127.0.0.1',
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.NATS_URL).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    const config = parseFeedConfig({ PORT: '', SOCIAL_GRAPH_URL: '', TIMELINE_STRATEGY: '', REDIS_URL: '' });
    expect(config).toMatchObject({ PORT: 4004, SOCIAL_GRAPH_URL: 'http://127.0.0.1:4002/graphql', TIMELINE_STRATEGY: 'pull' });
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
    });
    expect(config).toMatchObject({
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
    const attempt = () => parseFeedConfig({ NODE_ENV: 'production', TIMELINE_STRATEGY: 'hybrid', POST_URL: 'not a url' });
    expect(attempt).toThrow(/TIMELINE_STRATEGY/);
    expect(attempt).toThrow(/POST_URL/);
    expect(attempt).toThrow(/INTERNAL_AUTH_SECRET/);
  });
});
