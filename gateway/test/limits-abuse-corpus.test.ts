import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningService } from '@social/kit';
import { startStubSubgraph, startTestGateway, type StubSubgraph } from './public-stub';

/** One abusive request (gateway/test/abuse-corpus/*.json) and how the gateway must refuse it. */
interface CorpusItem {
  what: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body: unknown;
  /** Replaces the string "$REPEAT" in the body with `text` repeated `times` times (keeps huge items small on disk). */
  repeat?: { text: string; times: number };
  expect: { status?: number; code?: string; message?: string; messageNot?: string; retryAfter?: boolean };
}

const CORPUS_DIR = path.join(__dirname, 'abuse-corpus');
const corpus = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(CORPUS_DIR, f), 'utf8')) as CorpusItem] as const);

describe('abuse corpus: every item is refused before any subgraph is called (production mode)', () => {
  let stub: StubSubgraph;
  let gateway: RunningService;

  beforeAll(async () => {
    stub = await startStubSubgraph();
    gateway = await startTestGateway(stub, {
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'i'.repeat(40),
      ACCESS_TOKEN_SECRET: 't'.repeat(40),
      SAFELIST_MODES: 'ios=enforce',
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await stub.stop();
  });

  it('has the kinds of abuse the issue names', () => {
    const names = corpus.map(([name]) => name);
    for (const kind of [
      'deep',
      'wide',
      'aliased',
      'directive-heavy',
      'huge',
      'batched',
      'introspection',
      'unknown-persisted-id',
      'forged-client-name',
    ])
      expect(names).toContain(kind);
  });

  it.each(corpus)('%s', async (_name, item) => {
    const res = await send(gateway.url, item);
    const text = await res.text();
    const body = parseJson(text);
    const error = body?.errors?.[0];
    // Several limits may refuse one document; any of them may be the one the item is about.
    const messages = body?.errors?.map((e) => e.message).join('\n') ?? text;
    if (item.expect.status) expect(res.status).toBe(item.expect.status);
    if (item.expect.code) expect(error?.extensions?.code).toBe(item.expect.code);
    if (item.expect.message) expect(messages).toContain(item.expect.message);
    if (item.expect.messageNot) expect(messages).not.toContain(item.expect.messageNot);
    if (item.expect.retryAfter) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body?.data ?? null).toBeNull();
    expect(stub.calls).toEqual([]);
  });

  // Last, so the items above ran against a gateway that does call its subgraph for ordinary work.
  it('control: an ordinary operation is answered by the subgraph', async () => {
    const res = await send(gateway.url, { what: 'ordinary', body: { query: '{ user(id: "1") { id handle } }' }, expect: {} });
    expect(await res.json()).toEqual({ data: { user: { id: '1', handle: 'h1' } } });
    expect(stub.calls).toHaveLength(1);
  });
});

async function send(url: string, item: CorpusItem): Promise<Response> {
  let json = JSON.stringify(item.body);
  if (item.repeat) json = json.replace('$REPEAT', item.repeat.text.repeat(item.repeat.times));
  if (item.method === 'GET') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, unknown>))
      u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    return fetch(u, { headers: item.headers ?? {} });
  }
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...item.headers }, body: json });
}

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
function parseJson(text: string): Body {
  try {
    return JSON.parse(text) as Body;
  } catch {
    return null; // Express answers some refusals (413) as HTML
  }
}
