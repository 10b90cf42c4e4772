import { newId } from '@social/kit';
import { eventually } from '@social/test-kit';
import type { DiscoveryGraph } from '../src/stores/discovery-graph';
import { switchable, type Mode } from '../src/testing/switchable';
import { SUGGESTIONS, startHarness, type Harness } from './harness';

/** A harness whose discovery graph a test can take down or slow down. */
async function degradable(env: Record<string, string> = {}) {
  let set!: (mode: Mode) => void;
  const h = await startHarness({
    env: { VIP_THRESHOLD: '3', ...env },
    stores: (m) => {
      const s = switchable<DiscoveryGraph>(m.discovery);
      set = s.set;
      return { discovery: s.store };
    },
  });
  return { h, set };
}

async function popularWorld(h: Harness) {
  const at = new Date();
  const [viewer, friend, vip, star] = [newId(), newId(), newId(), newId()];
  for (let i = 0; i < 5; i++) await h.stores.follows.follow(newId(), star, at);
  for (let i = 0; i < 3; i++) await h.stores.follows.follow(newId(), vip, at);
  await h.stores.follows.follow(viewer, vip, at);
  await h.stores.follows.follow(viewer, friend, at);
  await h.stores.follows.follow(friend, newId(), at);
  await h.stores.follows.follow(newId(), viewer, at);
  await h.runtime.popular.refresh();
  // The feed asked for the viewer's followed VIPs earlier: the cache knows them.
  await h.gql(`query($id: ID!) { _followedVipIds(userId: $id) }`, { id: viewer });
  return { viewer, vip, star };
}

describe('suggestions while the graph is unavailable', () => {
  it('answer with popular accounts, say so in extensions.degraded, and skip the graph for a while', async () => {
    const { h, set } = await degradable();
    try {
      const { viewer, vip, star } = await popularWorld(h);
      set('down');
      const res = await h.gql(SUGGESTIONS, { first: 10 }, { viewerId: viewer });
      expect(res.errors).toBeUndefined();
      expect(res.extensions).toEqual({ degraded: [{ field: 'suggestions', reason: 'graph-unavailable', fallback: 'popular-accounts' }] });
      const ids = res.data?.['suggestions'].edges.map((e: { node: { id: string } }) => e.node.id);
      expect(ids[0]).toBe(star);
      expect(ids).not.toContain(viewer); // never yourself
      expect(ids).not.toContain(vip); // a followed VIP, known from the cache without the graph
      expect(res.data?.['suggestions'].edges.every((e: { reason: { kind: string } }) => e.reason.kind === 'POPULAR')).toBe(true);
      // The breaker is open now: the next request does not even try the graph.
      const calls = { ...h.discoveryCalls };
      const again = await h.gql(SUGGESTIONS, { first: 10 }, { viewerId: viewer });
      expect(again.extensions?.['degraded']).toHaveLength(1);
      expect(h.discoveryCalls).toEqual(calls);
      // Other fields of the subgraph keep answering (counts come from the follow graph and its cache).
      const counts = await h.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { followerCount isVip } } }`, {
        r: [{ __typename: 'User', id: vip }],
      });
      expect(counts.data?.['_entities']).toEqual([{ followerCount: 4, isVip: true }]);
      expect(counts.extensions).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  it('a slow ranking is answered degraded in time, finishes in the background, and serves the next request', async () => {
    const { h, set } = await degradable({ SUGGESTIONS_TIMEOUT_MS: '400' }); // generous for the fast path on a loaded machine
    try {
      const { viewer } = await popularWorld(h);
      set(800); // every graph call takes 800 ms: the ranking (two or three calls) far exceeds the 400 ms budget
      const first = await h.gql(SUGGESTIONS, { first: 3 }, { viewerId: viewer });
      expect(first.extensions?.['degraded']).toEqual([{ field: 'suggestions', reason: 'graph-timeout', fallback: 'popular-accounts' }]);
      await eventually(async () => ((await h.suggestionStore.latest(viewer)) ? true : undefined));
      set('up');
      const ranks = h.discoveryCalls['rankSuggestions'];
      const next = await h.gql(SUGGESTIONS, { first: 3 }, { viewerId: viewer });
      expect(next.extensions).toBeUndefined(); // a timeout does not open the breaker for everyone
      expect(h.discoveryCalls['rankSuggestions']).toBe(ranks); // served from the ranking stored in the background
    } finally {
      await h.stop();
    }
  });

  it('a graph slower than SUGGESTIONS_TIMEOUT_MS gets the popular answer in time, marked graph-timeout', async () => {
    const { h, set } = await degradable({ SUGGESTIONS_TIMEOUT_MS: '150' });
    try {
      const { viewer, star } = await popularWorld(h);
      set('slow');
      const started = Date.now();
      const res = await h.gql(SUGGESTIONS, { first: 3 }, { viewerId: viewer });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.extensions).toEqual({ degraded: [{ field: 'suggestions', reason: 'graph-timeout', fallback: 'popular-accounts' }] });
      expect(res.data?.['suggestions'].edges[0].node.id).toBe(star);
    } finally {
      await h.stop();
    }
  });
});
