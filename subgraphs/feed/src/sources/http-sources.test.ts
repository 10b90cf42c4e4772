import { InternalGraphQLClient, InternalSigner, newId } from '@social/kit';
import { deadUrl, startStubGraphQLServer, type StubGraphQLServer } from '../testing/stub-graphql-server';
import { FOLLOWING_IDS_QUERY, HttpFollowingSource } from './http-following-source';
import { HttpPostSource, LIVE_POST_IDS_QUERY, RECENT_POST_IDS_QUERY } from './http-post-source';

const SECRET = 'feed-test-internal-secret-0123456789abcdef';
const signer = new InternalSigner(SECRET, 'feed');
const client = (url: string, name: string) => new InternalGraphQLClient(url, signer, name, 2_000);

const viewer = newId();
const followees = [newId(), newId()];
const postIds = [newId(), newId(), newId()];

describe('HTTP sources against stub subgraphs', () => {
  let socialGraph: StubGraphQLServer;
  let post: StubGraphQLServer;

  beforeAll(async () => {
    socialGraph = await startStubGraphQLServer(SECRET, () => ({ _followingIds: followees }));
    post = await startStubGraphQLServer(SECRET, () => ({ _recentPostIds: postIds, _livePostIds: postIds.slice(1) }));
  });
  afterAll(async () => {
    await Promise.all([socialGraph.close(), post.close()]);
  });

  it("HttpFollowingSource asks the social graph for the viewer's followees, signed as feed for the viewer", async () => {
    const source = new HttpFollowingSource(client(socialGraph.url, 'social graph'));
    expect(await source.followingIds(viewer, 4999)).toEqual(followees);
    expect(socialGraph.calls.at(-1)).toEqual({
      identity: { caller: 'feed', viewerId: viewer },
      query: FOLLOWING_IDS_QUERY,
      variables: { u: viewer, n: 4999 },
    });
  });

  it('HttpPostSource asks the post subgraph for recent post ids, signed as feed for the viewer', async () => {
    const source = new HttpPostSource(client(post.url, 'post'));
    const before = newId();
    const query = { authorIds: [viewer, ...followees], limit: 21, before };
    expect(await source.recentPostIds(query, viewer)).toEqual(postIds);
    expect(post.calls.at(-1)).toEqual({
      identity: { caller: 'feed', viewerId: viewer },
      query: RECENT_POST_IDS_QUERY,
      variables: { a: [viewer, ...followees], n: 21, b: before },
    });
  });

  it('HttpPostSource sends a null `before` for the first page', async () => {
    const source = new HttpPostSource(client(post.url, 'post'));
    await source.recentPostIds({ authorIds: [viewer], limit: 2, before: null }, viewer);
    expect(post.calls.at(-1)!.variables).toEqual({ a: [viewer], n: 2, b: null });
  });

  it('HttpPostSource asks the post subgraph which post ids are live, signed as feed for the viewer', async () => {
    const source = new HttpPostSource(client(post.url, 'post'));
    expect(await source.livePostIds(postIds, viewer)).toEqual(postIds.slice(1));
    expect(post.calls.at(-1)).toEqual({
      identity: { caller: 'feed', viewerId: viewer },
      query: LIVE_POST_IDS_QUERY,
      variables: { ids: postIds },
    });
  });

  it('is refused by the stub when signed with another secret, which surfaces as SERVICE_UNAVAILABLE', async () => {
    const forged = new InternalGraphQLClient(socialGraph.url, new InternalSigner(`${SECRET}-forged`, 'feed'), 'social graph');
    const refusedBefore = socialGraph.refused;
    await expect(new HttpFollowingSource(forged).followingIds(viewer, 10)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(socialGraph.refused).toBe(refusedBefore + 1);
  });

  it('fails loudly (not as an outage) when the answer has an unexpected shape', async () => {
    const odd = await startStubGraphQLServer(SECRET, () => ({ _followingIds: [1, 2] }));
    try {
      const error = await new HttpFollowingSource(client(odd.url, 'social graph')).followingIds(viewer, 10).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as { extensions?: unknown }).extensions).toBeUndefined();
    } finally {
      await odd.close();
    }
  });

  it.each([
    ['HttpFollowingSource', (url: string) => new HttpFollowingSource(client(url, 'social graph')).followingIds(viewer, 10)],
    [
      'HttpPostSource',
      (url: string) => new HttpPostSource(client(url, 'post')).recentPostIds({ authorIds: [viewer], limit: 2, before: null }, viewer),
    ],
    ['HttpPostSource (live ids)', (url: string) => new HttpPostSource(client(url, 'post')).livePostIds(postIds, viewer)],
  ])('%s raises SERVICE_UNAVAILABLE when the upstream is down', async (_name, call) => {
    await expect(call(await deadUrl())).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });
});
