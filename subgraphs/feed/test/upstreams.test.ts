import { encodeCursor, newId, type RunningService } from '@social/kit';
import { parseFeedConfig, startFeedService } from '../src/server';
import { MAX_AUTHORS_PULLED } from '../src/timeline/pull-timeline';
import { gatewayHeader, gql } from '../src/testing/http';
import { deadUrl, startStubGraphQLServer, type StubGraphQLServer } from '../src/testing/stub-graphql-server';

const SECRET = 'feed-upstream-test-secret-0123456789abcdef';
const HOME =
  'query($first:Int,$after:String){ homeTimeline(first:$first, after:$after){ edges { node { id } } pageInfo { hasNextPage } } }';

const viewer = newId();
const followees = [newId(), newId()];
const postIds = [newId(), newId(), newId()].reverse(); // newest first, as the post subgraph answers

const startFeed = (socialGraphUrl: string, postUrl: string) =>
  startFeedService(
    parseFeedConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      TIMELINE_STRATEGY: 'pull', // the strategy whose upstream calls these stubs answer
      INTERNAL_AUTH_SECRET: SECRET,
      SOCIAL_GRAPH_URL: socialGraphUrl,
      POST_URL: postUrl,
    }),
  );

const ready = async (service: RunningService) => {
  const res = await fetch(service.url.replace('/graphql', '/ready'));
  return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
};

describe('feed service over HTTP with its real upstream clients (stub subgraphs)', () => {
  let socialGraph: StubGraphQLServer;
  let post: StubGraphQLServer;
  let feed: RunningService;

  beforeAll(async () => {
    socialGraph = await startStubGraphQLServer(SECRET, () => ({ _followingIds: followees }));
    post = await startStubGraphQLServer(SECRET, () => ({ _recentPostIds: postIds }));
    feed = await startFeed(socialGraph.url, post.url);
  });
  afterAll(async () => {
    await feed?.stop();
    await Promise.all([socialGraph?.close(), post?.close()]);
  });

  it('asks social-graph, then post, each signed as feed on behalf of the viewer', async () => {
    const after = newId();
    const res = await gql(
      feed.url,
      HOME,
      { first: 2, after: encodeCursor({ s: parseInt(after.slice(0, 8), 16) * 1000, id: after }) },
      await gatewayHeader(SECRET, viewer),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!['homeTimeline']).toEqual({
      edges: postIds.slice(0, 2).map((id) => ({ node: { id } })),
      pageInfo: { hasNextPage: true },
    });
    expect(socialGraph.calls.at(-1)).toMatchObject({
      identity: { caller: 'feed', viewerId: viewer },
      variables: { u: viewer, n: MAX_AUTHORS_PULLED - 1 },
    });
    expect(post.calls.at(-1)).toMatchObject({
      identity: { caller: 'feed', viewerId: viewer },
      variables: { a: [viewer, ...followees], n: 3, b: after },
    });
    expect(socialGraph.refused + post.refused).toBe(0);
  });

  it('is ready when both upstreams answer /health', async () => {
    const { status, body } = await ready(feed);
    expect(status).toBe(200);
    expect(body.checks).toEqual({ 'social-graph': 'ok', post: 'ok' });
  });
});

describe('feed service when an upstream is down', () => {
  it.each(['social graph', 'post'])('answers SERVICE_UNAVAILABLE and is not ready when the %s service is down', async (down) => {
    const live = await startStubGraphQLServer(SECRET, () => ({ _followingIds: followees, _recentPostIds: postIds }));
    const dead = await deadUrl();
    let feed: RunningService | undefined;
    try {
      feed = await startFeed(down === 'social graph' ? dead : live.url, down === 'post' ? dead : live.url);
      const res = await gql(feed.url, HOME, {}, await gatewayHeader(SECRET, viewer));
      expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const { status, body } = await ready(feed);
      expect(status).toBe(503);
      expect(body.checks[down === 'social graph' ? 'social-graph' : 'post']).toMatch(/not answering/);
    } finally {
      await feed?.stop();
      await live.close();
    }
  });
});
