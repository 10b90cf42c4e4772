import { InternalGraphQLClient, InternalSigner, newId } from '@social/kit';
import { deadUrl, startStubGraphQLServer, type StubGraphQLServer } from '../testing/stub-graphql-server';
import { FOLLOWED_VIP_IDS_QUERY, FOLLOWER_IDS_QUERY, HttpFollowerSource } from './http-follower-source';

const SECRET = 'feed-test-internal-secret-0123456789abcdef';
const client = (url: string) => new InternalGraphQLClient(url, new InternalSigner(SECRET, 'feed'), 'social graph', 2_000);
const author = newId();
const followers = [newId(), newId()];
const vips = [newId()];

describe('HttpFollowerSource against a stub social graph', () => {
  let stub: StubGraphQLServer;
  beforeAll(async () => {
    stub = await startStubGraphQLServer(SECRET, ({ query }) =>
      query === FOLLOWER_IDS_QUERY ? { _followerIds: { ids: followers, endCursor: 'c2', hasNextPage: true } } : { _followedVipIds: vips },
    );
  });
  afterAll(async () => stub.close());

  it('pages followers as the feed service itself (no viewer)', async () => {
    const page = await new HttpFollowerSource(client(stub.url)).followerPage(author, 1000, 'c1');
    expect(page).toEqual({ ids: followers, endCursor: 'c2', hasNextPage: true });
    expect(stub.calls.at(-1)).toEqual({
      identity: { caller: 'feed', viewerId: null },
      query: FOLLOWER_IDS_QUERY,
      variables: { u: author, n: 1000, a: 'c1' },
    });
  });

  it('asks for the VIPs a reader follows on the reader’s behalf', async () => {
    const reader = newId();
    expect(await new HttpFollowerSource(client(stub.url)).followedVipIds(reader)).toEqual(vips);
    expect(stub.calls.at(-1)).toEqual({
      identity: { caller: 'feed', viewerId: reader },
      query: FOLLOWED_VIP_IDS_QUERY,
      variables: { u: reader },
    });
  });

  it('raises SERVICE_UNAVAILABLE when the social graph is down', async () => {
    await expect(new HttpFollowerSource(client(await deadUrl())).followerPage(author, 10, null)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });
});
