import { newId } from '@social/kit';
import { COUNTS, DELETE, LIKE, UNLIKE, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const LIKED_BY = `query($id: ID!, $first: Int, $after: String) { post(id: $id) {
  likedBy(first: $first, after: $after) { edges { cursor likedAt node { id } } pageInfo { hasNextPage endCursor } } } }`;

describe('likePost / unlikePost', () => {
  it('likes once however often it is asked, and unlikes', async () => {
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    expect((await h.gql(LIKE, { p: post }, alice)).data.likePost).toEqual({ id: post, likeCount: 1, viewerHasLiked: true });
    expect((await h.gql(LIKE, { p: post }, alice)).data.likePost).toEqual({ id: post, likeCount: 1, viewerHasLiked: true });
    expect((await h.gql(LIKE, { p: post }, author)).data.likePost.likeCount).toBe(2);
    expect((await h.gql(UNLIKE, { p: post }, alice)).data.unlikePost).toEqual({ id: post, likeCount: 1, viewerHasLiked: false });
    expect((await h.gql(COUNTS, { id: post }, author)).data.post).toMatchObject({ likeCount: 1, viewerHasLiked: true });
  });

  it('treats unliking what you never liked as a no-op that returns the post', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const r = await h.gql(UNLIKE, { p: post }, newId());
    expect(r.errors).toBeUndefined();
    expect(r.data.unlikePost).toEqual({ id: post, likeCount: 0, viewerHasLiked: false });
    expect((await h.gql(UNLIKE, { p: post }, newId())).data.unlikePost.likeCount).toBe(0); // never negative
  });

  it('refuses unknown, deleted and malformed posts and signed-out callers', async () => {
    const author = newId();
    const [post] = await createPosts(h, author, 1);
    await h.gql(DELETE, { id: post }, author);
    expect(codes(await h.gql(LIKE, { p: newId() }, author))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(LIKE, { p: post }, author))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(UNLIKE, { p: post }, author))).toEqual(['NOT_FOUND']);
    const bad = await h.gql(LIKE, { p: 'nope' }, author);
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.extensions!.field).toBe('postId');
    const [live] = await createPosts(h, author, 1);
    expect(codes(await h.gql(LIKE, { p: live }, null))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await h.gql(UNLIKE, { p: live }, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers viewerHasLiked per viewer, false when signed out, in one query for a page', async () => {
    const [author, alice] = [newId(), newId()];
    const posts = await createPosts(h, author, 3);
    await h.gql(LIKE, { p: posts[1] }, alice);
    const likedAmong = jest.spyOn(h.likes, 'likedAmong');
    const page = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Post { id viewerHasLiked likeCount } } }`,
      { r: posts.map((id) => ({ __typename: 'Post', id })) },
      alice,
    );
    expect(page.data._entities.map((p: { viewerHasLiked: boolean }) => p.viewerHasLiked)).toEqual([false, true, false]);
    expect(likedAmong).toHaveBeenCalledTimes(1);
    expect((await h.gql(COUNTS, { id: posts[1] }, null)).data.post.viewerHasLiked).toBe(false);
  });

  it('lists the people who like a post, newest first, page by page', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const likers = [newId(), newId(), newId()];
    for (const u of likers) await h.gql(LIKE, { p: post }, u);
    const first = (await h.gql(LIKED_BY, { id: post, first: 2 })).data.post.likedBy;
    expect(first.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([likers[2], likers[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(new Date(first.edges[0].likedAt).toISOString()).toBe(first.edges[0].likedAt);
    const next = (await h.gql(LIKED_BY, { id: post, first: 2, after: first.pageInfo.endCursor })).data.post.likedBy;
    expect(next.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([likers[0]]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(codes(await h.gql(LIKED_BY, { id: post, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('counts exactly before a flush (pending delta) and after it (stored)', async () => {
    const author = newId();
    const [post] = await createPosts(h, author, 1);
    for (let i = 0; i < 3; i++) await h.gql(LIKE, { p: post }, newId());
    expect((await h.store.findCounts([post!]))[0]!.counts.likes).toBe(0); // nothing written to the post yet
    expect((await h.gql(COUNTS, { id: post })).data.post.likeCount).toBe(3);

    expect(await h.service.workers.flushNow()).toMatchObject({ status: 'flushed', posts: 1 });
    expect((await h.store.findCounts([post!]))[0]!.counts.likes).toBe(3);
    expect((await h.counters.pending([post!])).live.size).toBe(0);
    expect((await h.gql(COUNTS, { id: post })).data.post.likeCount).toBe(3);
    expect((await h.service.workers.flushNow()).status).toBe('idle');
  });

  it('the created post starts with zero counts', async () => {
    const r = await h.gql(
      `mutation { createPost(text: "fresh") { likeCount commentCount viewCount viewerHasLiked mentions { id } } }`,
      {},
      newId(),
    );
    expect(r.data.createPost).toEqual({ likeCount: 0, commentCount: 0, viewCount: 0, viewerHasLiked: false, mentions: [] });
  });
});
