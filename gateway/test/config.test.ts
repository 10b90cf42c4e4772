import { parseGatewayConfig } from '../src/config';
import { subgraphUrlsOf } from '../src/server';

describe('gateway configuration', () => {
  it('serves the committed supergraph by default and any file given by SUPERGRAPH_PATH', () => {
    expect(parseGatewayConfig({}).SUPERGRAPH_PATH).toMatch(/supergraph\.graphql$/);
    expect(parseGatewayConfig({ SUPERGRAPH_PATH: '/tmp/other.graphql' }).SUPERGRAPH_PATH).toBe('/tmp/other.graphql');
  });

  it('maps SUBGRAPH_URL_<NAME> overrides to subgraph names', () => {
    const config = parseGatewayConfig({
      SUBGRAPH_URL_SOCIAL_GRAPH: 'http://graph:4002/graphql',
      SUBGRAPH_URL_USER: 'http://user:4001/graphql',
    });
    expect(config.subgraphUrls).toEqual({ 'social-graph': 'http://graph:4002/graphql', user: 'http://user:4001/graphql' });
    expect(() => parseGatewayConfig({ SUBGRAPH_URL_USER: 'not a url' })).toThrow(/SUBGRAPH_URL_USER/);
  });

  it('turns introspection off in production unless asked for, and requires real secrets there', () => {
    const secrets = { INTERNAL_AUTH_SECRET: 'i'.repeat(40), ACCESS_TOKEN_SECRET: 'a'.repeat(40) };
    expect(parseGatewayConfig({}).INTROSPECTION).toBe(true);
    expect(parseGatewayConfig({ NODE_ENV: 'production', ...secrets }).INTROSPECTION).toBe(false);
    expect(parseGatewayConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', ...secrets }).INTROSPECTION).toBe(true);
    expect(() => parseGatewayConfig({ NODE_ENV: 'production' })).toThrow(/ACCESS_TOKEN_SECRET/);
  });

  it('runs one process unless GATEWAY_WORKERS asks for more (0 = one per core)', () => {
    expect(parseGatewayConfig({}).GATEWAY_WORKERS).toBe(1);
    expect(parseGatewayConfig({ GATEWAY_WORKERS: '' }).GATEWAY_WORKERS).toBe(1);
    expect(parseGatewayConfig({ GATEWAY_WORKERS: '0' }).GATEWAY_WORKERS).toBe(0);
    expect(parseGatewayConfig({ GATEWAY_WORKERS: '4' }).GATEWAY_WORKERS).toBe(4);
    expect(() => parseGatewayConfig({ GATEWAY_WORKERS: '-1' })).toThrow(/GATEWAY_WORKERS/);
    expect(() => parseGatewayConfig({ GATEWAY_WORKERS: 'many' })).toThrow(/GATEWAY_WORKERS/);
  });

  it('reads routing URLs from the supergraph with overrides applied', () => {
    const sdl = `enum join__Graph {
  FEED @join__graph(name: "feed", url: "http://127.0.0.1:4004/graphql")
  USER @join__graph(name: "user", url: "http://127.0.0.1:4001/graphql")
}`;
    expect(subgraphUrlsOf(sdl, { user: 'http://u/graphql' })).toEqual({ feed: 'http://127.0.0.1:4004/graphql', user: 'http://u/graphql' });
  });
});
