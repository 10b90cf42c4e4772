import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetcher } from '../src/subgraph-fetcher';

describe('subgraph fetcher', () => {
  let server: http.Server;
  let url: string;
  const connections: unknown[] = [];
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let respond: (res: http.ServerResponse) => void = (res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-answer', 'yes');
    res.end(JSON.stringify({ data: { ok: true, text: 'héllo 👋' } }));
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        respond(res);
      });
    });
    server.on('connection', (socket) => connections.push(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  beforeEach(() => {
    connections.length = 0;
    seen.length = 0;
  });

  it('posts the body with the given headers and returns status, headers and JSON', async () => {
    const fetcher = createSubgraphFetcher();
    const body = JSON.stringify({ query: '{ ok }', variables: { name: 'ünïcode' } });
    const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-internal-auth': 'token' }, body });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(await res.json()).toEqual({ data: { ok: true, text: 'héllo 👋' } });
    expect(seen[0]!.body).toBe(body);
    expect(seen[0]!.headers['x-internal-auth']).toBe('token');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(body));
    fetcher.destroy();
  });

  it('keeps the connection alive: sequential requests reuse one socket', async () => {
    const fetcher = createSubgraphFetcher();
    for (let i = 0; i < 5; i++) {
      const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await res.json();
    }
    expect(seen).toHaveLength(5);
    expect(connections).toHaveLength(1);
    fetcher.destroy();
  });

  it('reports a non-2xx answer as not ok, with its body readable as text', async () => {
    respond = (res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'text/plain');
      res.end('no signature');
    };
    const fetcher = createSubgraphFetcher();
    const res = await fetcher(url, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('no signature');
    fetcher.destroy();
  });

  it('fails a request the subgraph does not answer in time, and one that cannot connect', async () => {
    respond = () => {}; // never answers
    const fetcher = createSubgraphFetcher({ timeoutMs: 50 });
    await expect(fetcher(url, { method: 'POST', body: '{}' })).rejects.toThrow(/did not answer within 50 ms/);
    fetcher.destroy();
    const closed = createSubgraphFetcher();
    await expect(closed('http://127.0.0.1:1/graphql', { method: 'POST', body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
    closed.destroy();
  });
});
