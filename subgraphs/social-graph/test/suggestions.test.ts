import { encodeCursor, newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import { errorCode } from '../src/testing/http';
import { SUGGESTIONS, startHarness, type Harness } from './harness';

interface Edge {
  cursor: string;
  node: { id: string };
  reason: { kind: string; count: number; sample: { id: string }[] };
}
interface Page {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  computedAt: string;
}

describe('suggestions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const at = new Date();
  const follow = (a: string, b: string) => h.stores.follows.follow(a, b, at);
  const page = async (viewerId: string | null, first?: number, after?: string | null) => {
    const res = await h.gql<{ suggestions: Page }>(SUGGESTIONS, { first, after }, { viewerId });
    expect(res.errors).toBeUndefined();
    return res.data!.suggestions;
  };
  const readAll = async (viewerId: string, first: number, between?: (n: number) => Promise<void>) => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 50; n++) {
      const p: Page = await page(viewerId, first, after);
      ids.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) return ids;
      after = p.pageInfo.endCursor;
      await between?.(n);
    }
    throw new Error('too many pages');
  };

  /** A viewer following `followees`, each following the given candidates. */
  async function network(spec: number[]): Promise<{ viewer: string; followees: string[]; candidates: string[] }> {
    const viewer = newId();
    const followees = Array.from({ length: Math.max(...spec) }, () => newId());
    for (const f of followees) await follow(viewer, f);
    const candidates = spec.map(() => newId());
    for (const [i, c] of candidates.entries()) for (const f of followees.slice(0, spec[i])) await follow(f, c);
    return { viewer, followees, candidates };
  }

  it('ranks second-degree accounts by followees in common, with the reason and who', async () => {
    const { viewer, followees, candidates } = await network([1, 3, 2]);
    const p = await page(viewer, 10);
    expect(p.edges.slice(0, 3).map((e) => [e.node.id, e.reason.kind, e.reason.count])).toEqual([
      [candidates[1], 'FOLLOWED_BY_PEOPLE_YOU_FOLLOW', 3],
      [candidates[2], 'FOLLOWED_BY_PEOPLE_YOU_FOLLOW', 2],
      [candidates[0], 'FOLLOWED_BY_PEOPLE_YOU_FOLLOW', 1],
    ]);
    expect(new Set(p.edges[0]!.reason.sample.map((u) => u.id))).toEqual(new Set(followees));
    expect(p.edges.map((e) => e.node.id)).not.toContain(viewer);
    for (const f of followees) expect(p.edges.map((e) => e.node.id)).not.toContain(f);
    expect(new Date(p.computedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('fills with POPULAR accounts when second-degree ones run out; signed out gets popular ones only', async () => {
    const star = newId();
    for (let i = 0; i < 40; i++) await follow(newId(), star);
    await h.runtime.popular.refresh();
    const { viewer, candidates } = await network([1]);
    const p = await page(viewer, 100);
    expect(p.edges[0]!.node.id).toBe(candidates[0]);
    const starEdge = p.edges.find((e) => e.node.id === star);
    expect(starEdge?.reason).toEqual({ kind: 'POPULAR', count: 0, sample: [] });
    const anonymous = await h.gql<{ suggestions: Page }>(SUGGESTIONS, { first: 5 }, { viewerId: null });
    expect(anonymous.data?.suggestions.edges[0]).toMatchObject({ node: { id: star }, reason: { kind: 'POPULAR' } });
    expect(anonymous.extensions).toBeUndefined(); // popular for a visitor is the answer, not a fallback
  });

  it('pages neither skip nor repeat while the graph changes and the ranking is recomputed between pages', async () => {
    const spec = Array.from({ length: 23 }, (_, i) => 1 + (i % 5)); // many ties on the count
    const { viewer, followees, candidates } = await network(spec);
    const ranking = (await readAll(viewer, 100)).filter((id) => candidates.includes(id));
    expect(new Set(ranking)).toEqual(new Set(candidates));
    await h.suggestionStore.save(viewer, { computedAt: new Date(0), items: [] }); // force a fresh ranking for the walk below
    const followedMidway = ranking[15]!;
    const seen = await readAll(viewer, 4, async (n) => {
      // Between pages: a newcomer that would rank first, more followers for a late candidate, the batch
      // job replacing the stored ranking, and the viewer following someone further down.
      const newcomer = newId();
      for (const f of followees) await follow(f, newcomer);
      await follow(newId(), ranking[ranking.length - 1]!);
      await h.runtime.suggestions.precompute(viewer);
      if (n === 1) await follow(viewer, followedMidway);
    });
    const walked = seen.filter((id) => candidates.includes(id));
    expect(walked).toEqual(ranking.filter((id) => id !== followedMidway));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('serves a fresh stored ranking without touching the graph, and recomputes a stale one', async () => {
    const { viewer } = await network([2, 1]);
    const calls = () => h.discoveryCalls['rankSuggestions'] ?? 0;
    const before = calls();
    const first = await page(viewer, 5);
    expect(calls()).toBe(before + 1); // computed on demand, and stored
    const again = await page(viewer, 5);
    expect(calls()).toBe(before + 1); // served from the store
    expect(again.computedAt).toBe(first.computedAt);
    const stale = new Date(Date.now() - h.config.SUGGESTIONS_MAX_AGE_MS - 1);
    await h.suggestionStore.save(viewer, { computedAt: stale, items: [] });
    const recomputed = await page(viewer, 5);
    expect(calls()).toBe(before + 2);
    expect(new Date(recomputed.computedAt).getTime()).toBeGreaterThan(stale.getTime());
  });

  it('the batch job precomputes for people seen recently; their next request reads the stored ranking', async () => {
    const { viewer } = await network([1, 2]);
    await page(viewer, 1); // a signed-in request marks the viewer active
    await eventually(async () =>
      (await h.suggestionStore.activeSince(new Date(Date.now() - 60_000))).includes(viewer) ? true : undefined,
    );
    await h.suggestionStore.save(viewer, { computedAt: new Date(0), items: [] });
    const report = await h.runtime.precompute();
    expect(report).toMatchObject({ failed: 0 });
    expect(report.computed).toBeGreaterThanOrEqual(1);
    const stored = await h.suggestionStore.latest(viewer);
    expect(Date.now() - stored!.computedAt.getTime()).toBeLessThan(60_000);
    const before = h.discoveryCalls['rankSuggestions'] ?? 0;
    expect((await page(viewer, 5)).computedAt).toBe(stored!.computedAt.toISOString());
    expect(h.discoveryCalls['rankSuggestions'] ?? 0).toBe(before);
  });

  it.each([
    ['first over 100', { first: 101 }, 'first'],
    ['first of 0', { first: 0 }, 'first'],
    ['a malformed cursor', { after: 'not-a-cursor' }, 'after'],
    ['a cursor of another list', { after: encodeCursor({ t: 5, id: newId() }) }, 'after'],
    ['a cursor with a negative rank key', { after: encodeCursor({ v: 1, c: -1, f: 0, id: newId() }) }, 'after'],
  ])('%s is BAD_USER_INPUT on the argument', async (_name, variables, field) => {
    const res = await h.gql(SUGGESTIONS, variables, { viewerId: newId() });
    expect({ code: errorCode(res), field: res.errors?.[0]?.extensions?.['field'] }).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});

describe('the popular list when none is stored yet', () => {
  it('is never computed inside a request: one background refresh starts, later requests get it', async () => {
    const h = await startHarness({ env: { POPULAR_REFRESH_MS: '0' } }); // no refresh at start
    try {
      const star = newId();
      for (let i = 0; i < 3; i++) await h.stores.follows.follow(newId(), star, new Date());
      const ask = () => Promise.all([1, 2, 3].map(() => h.gql(SUGGESTIONS, { first: 5 }, { viewerId: null })));
      const first = await ask();
      expect(first.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
      const ids = await eventually(async () => {
        const res = await h.gql(SUGGESTIONS, { first: 5 }, { viewerId: null });
        const edges = res.data?.['suggestions'].edges as { node: { id: string } }[];
        return edges.length ? edges.map((e) => e.node.id) : undefined;
      });
      expect(ids).toEqual([star]);
      expect(h.discoveryCalls['popular']).toBe(1); // three concurrent misses, one scan
    } finally {
      await h.stop();
    }
  });
});
