import type { FieldNode, OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AccessTokens, createMetricsRegistry } from '@social/kit';
import { liveSubjects, type MemoryLiveBus } from '@social/events';
import { eventually } from '@social/test-kit';
import type { LiveServer } from '../src/subscriptions/live-server';
import type { LiveQueryExecutor } from '../src/subscriptions/live-hub';
import type { ViewerIdsLookup } from '../src/subscriptions/viewer-ids';
import { loadApiSchema, startTestLiveServer, type TestLiveServer } from './live-test-server';

/**
 * homeTimelineUpdated (feed SDL): the subject is the signed-in viewer's own timeline subject, and the
 * event's post is resolved through Query.post as that viewer.
 */
const SECRET = 'c'.repeat(40);
const UPDATED = `subscription { homeTimelineUpdated { post { id text } } }`;

describe('Subscription.homeTimelineUpdated at the gateway', () => {
  let stopSchema: () => Promise<void>;
  let server: TestLiveServer;
  let bus: MemoryLiveBus;
  let live: LiveServer;
  let url: string;
  const calls: { field: string; id: unknown; viewerId: string | null }[] = [];
  const tokens = new AccessTokens(SECRET);
  const registry = createMetricsRegistry('gateway');
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  /** A histogram's count or sum for one subscription field. */
  const histogram = async (name: string, part: 'count' | 'sum', field: string) =>
    (
      (await registry.getSingleMetric(name)!.get()).values as { metricName?: string; labels: Record<string, unknown>; value: number }[]
    ).find((v) => v.metricName === `${name}_${part}` && v.labels['field'] === field)?.value ?? 0;
  const clients: Client[] = [];
  /** What the social graph's _followedVipIds answers per viewer (a viewer missing here makes the lookup fail). */
  const followedVips = new Map<string, string[]>();
  const lookups: { field: string; viewerId: string }[] = [];
  const lookup: ViewerIdsLookup = async (field, viewerId) => {
    lookups.push({ field, viewerId });
    const ids = followedVips.get(viewerId);
    if (!ids) throw new Error('social graph unavailable');
    return ids;
  };

  /** Answers the event query as the post subgraph would, recording which root field, id and viewer it was asked. */
  const execute: LiveQueryExecutor = async (query, variables, viewerId) => {
    const fields = (query.document.definitions[0] as OperationDefinitionNode).selectionSet.selections as FieldNode[];
    const data: Record<string, unknown> = {};
    for (const f of fields) {
      const id = variables[f.alias!.value];
      calls.push({ field: f.name.value, id, viewerId });
      data[f.alias!.value] = { id, text: `text of ${String(id)}` };
    }
    return { data };
  };

  beforeAll(async () => {
    const { schema, stop } = await loadApiSchema();
    stopSchema = stop;
    server = await startTestLiveServer(schema, { execute, tokens, viewerIds: { lookup, refreshMs: 60_000 }, metrics: registry });
    ({ url, live, bus } = server);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.close();
    await stopSchema();
  });

  function subscribe(authorization?: string) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: authorization ? { authorization } : {},
    });
    clients.push(client);
    const results: unknown[] = [];
    const errors: { extensions?: { code?: string } }[][] = [];
    client.subscribe(
      { query: UPDATED },
      { next: (r) => void results.push(r), error: (e) => void errors.push(e as never), complete: () => {} },
    );
    return { results, errors };
  }
  const bearer = async (userId: string) => `Bearer ${(await tokens.sign(userId)).token}`;

  it("delivers only the viewer's own timeline events, with the post resolved as the viewer", async () => {
    followedVips.set('alice1', []).set('bob1', []);
    const alice = subscribe(await bearer('alice1'));
    const bob = subscribe(await bearer('bob1'));
    // Each: the own timeline subject and the followings-changed subject (no VIPs followed).
    await eventually(async () => (live.stats().subjects === 4 ? true : undefined));

    await bus.publishLive(liveSubjects.timelineUpdated('bob1'), { userId: 'bob1', postId: 'pb' });
    await bus.publishLive(liveSubjects.timelineUpdated('alice1'), { userId: 'alice1', postId: 'pa' });
    await eventually(async () => (alice.results.length === 1 && bob.results.length === 1 ? true : undefined));

    expect(alice.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pa', text: 'text of pa' } } } }]);
    expect(bob.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pb', text: 'text of pb' } } } }]);
    expect(calls).toEqual(
      expect.arrayContaining([
        { field: 'post', id: 'pa', viewerId: 'alice1' },
        { field: 'post', id: 'pb', viewerId: 'bob1' },
      ]),
    );
  });

  it('delivers the posts of the VIPs the viewer follows (not pushed into timelines), resolved as the viewer', async () => {
    followedVips.set('carol1', ['vipA', 'not.a.token']).set('dave1', []);
    const before = live.stats().subjects;
    const carol = subscribe(await bearer('carol1'));
    const dave = subscribe(await bearer('dave1'));
    // carol: own + following-changed + vipA (the unsafe id is ignored); dave: own + following-changed.
    await eventually(async () => (live.stats().subjects === before + 5 ? true : undefined));
    expect(lookups).toEqual(expect.arrayContaining([{ field: '_followedVipIds', viewerId: 'carol1' }]));

    await bus.publishLive(liveSubjects.authorPosted('vipA'), { authorId: 'vipA', postId: 'pv1' });
    await bus.publishLive(liveSubjects.timelineUpdated('dave1'), { userId: 'dave1', postId: 'pd' });
    await eventually(async () => (carol.results.length === 1 && dave.results.length === 1 ? true : undefined));
    expect(carol.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pv1', text: 'text of pv1' } } } }]);
    expect(dave.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pd', text: 'text of pd' } } } }]);
    expect(calls).toEqual(expect.arrayContaining([{ field: 'post', id: 'pv1', viewerId: 'carol1' }]));
  });

  it('asks again which VIPs the viewer follows when the feed says their followings changed', async () => {
    followedVips.set('erin1', ['vipB']);
    const erin = subscribe(await bearer('erin1'));
    const asked = () => lookups.filter((l) => l.viewerId === 'erin1').length;
    await eventually(async () => (asked() === 1 ? true : undefined));

    followedVips.set('erin1', ['vipC']); // unfollowed vipB, followed vipC
    await bus.publishLive(liveSubjects.followingChanged('erin1'), { userId: 'erin1' });
    await eventually(async () => (asked() === 2 ? true : undefined));
    await new Promise((r) => setImmediate(r));

    await bus.publishLive(liveSubjects.authorPosted('vipB'), { authorId: 'vipB', postId: 'from-b' });
    await bus.publishLive(liveSubjects.authorPosted('vipC'), { authorId: 'vipC', postId: 'from-c' });
    await eventually(async () => (erin.results.length >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 50));
    expect(erin.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'from-c', text: 'text of from-c' } } } }]);
  });

  it('keeps serving the own timeline when the VIP lookup fails', async () => {
    const frank = subscribe(await bearer('frank1')); // no answer for frank1: the lookup throws
    await eventually(async () => (lookups.some((l) => l.viewerId === 'frank1') ? true : undefined));
    await bus.publishLive(liveSubjects.timelineUpdated('frank1'), { userId: 'frank1', postId: 'pf' });
    await eventually(async () => (frank.results.length === 1 ? true : undefined));
    expect(frank.results).toEqual([{ data: { homeTimelineUpdated: { post: { id: 'pf', text: 'text of pf' } } } }]);
  });

  it('reports open connections, groups, subjects and deliveries at /metrics', async () => {
    followedVips.set('gina1', []);
    const delivered = await metric('live_deliveries_total');
    const stages = ['live_event_resolve_seconds', 'live_event_delivery_seconds'] as const;
    const counted = await Promise.all(stages.map((s) => histogram(s, 'count', 'homeTimelineUpdated')));
    const timed = await Promise.all(stages.map((s) => histogram(s, 'sum', 'homeTimelineUpdated')));
    const gina = subscribe(await bearer('gina1'));
    await eventually(async () => (lookups.some((l) => l.viewerId === 'gina1') ? true : undefined));
    await bus.publishLive(liveSubjects.timelineUpdated('gina1'), { userId: 'gina1', postId: 'pg' });
    await eventually(async () => (gina.results.length === 1 ? true : undefined));
    expect(await metric('live_deliveries_total')).toBe(delivered + 1);
    // One event, resolved then written: each stage timed once, the write after the resolution.
    const resolvedIn = (await histogram(stages[0], 'sum', 'homeTimelineUpdated')) - timed[0]!;
    const writtenIn = (await histogram(stages[1], 'sum', 'homeTimelineUpdated')) - timed[1]!;
    expect(await Promise.all(stages.map((s) => histogram(s, 'count', 'homeTimelineUpdated')))).toEqual(counted.map((c) => c + 1));
    expect(resolvedIn).toBeGreaterThan(0);
    expect(writtenIn).toBeGreaterThanOrEqual(resolvedIn);
    const stats = live.stats();
    expect(await metric('live_connections')).toBe(stats.connections);
    expect(await metric('live_groups')).toBe(stats.groups);
    expect(await metric('live_subjects')).toBe(stats.subjects);
    expect(stats.connections).toBeGreaterThan(0);
  });

  it('releases the VIP subjects with the last subscriber', async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await eventually(async () => (live.stats().subjects === 0 ? true : undefined));
  });

  it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
    const anon = subscribe();
    await eventually(async () => (anon.errors.length === 1 ? true : undefined));
    expect(anon.errors[0]![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
