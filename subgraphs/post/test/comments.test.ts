import { newId } from '@social/kit';
import { COMMENT, COUNTS, DELETE, DELETE_COMMENT, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const COMMENTS = `query($id: ID!, $first: Int, $after: String) { post(id: $id) { commentCount
  comments(first: $first, after: $after) { edges { cursor node { id text author { id } } } pageInfo { hasNextPage endCursor } } } }`;

describe('addComment', () => {
  it('comments on a post, trimmed, and counts it', async () => {
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const r = await h.gql(COMMENT, { p: post, t: '  nice one 👋🏽 \n' }, alice);
    expect(r.errors).toBeUndefined();
    expect(r.data.addComment).toMatchObject({
      text: 'nice one 👋🏽',
      author: { id: alice },
      post: { id: post, commentCount: 1 },
      mentions: [],
    });
    expect(r.data.addComment.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('takes 140 characters as a person counts them and refuses 141, empty and whitespace-only text', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const alice = newId();
    expect((await h.gql(COMMENT, { p: post, t: '🇫🇷'.repeat(140) }, alice)).errors).toBeUndefined();
    for (const t of ['x'.repeat(141), 'é'.repeat(141), '', '  \n\t\u00a0']) {
      const r = await h.gql(COMMENT, { p: post, t }, alice);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('text');
    }
    expect((await h.gql(COUNTS, { id: post })).data.post.commentCount).toBe(1);
  });

  it('refuses unknown and deleted posts (NOT_FOUND), malformed ids, and signed-out callers', async () => {
    const author = newId();
    const [post] = await createPosts(h, author, 1);
    await h.gql(DELETE, { id: post }, author);
    expect(codes(await h.gql(COMMENT, { p: post, t: 'late' }, newId()))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(COMMENT, { p: newId(), t: 'hello?' }, newId()))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(COMMENT, { p: 'x', t: 'hi' }, newId()))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(COMMENT, { p: newId(), t: 'hi' }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('deleteComment', () => {
  it('lets the comment author and the post author delete, and nobody else (FORBIDDEN)', async () => {
    const [author, alice, mallory] = [newId(), newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const c1 = (await h.gql(COMMENT, { p: post, t: 'one' }, alice)).data.addComment.id;
    const c2 = (await h.gql(COMMENT, { p: post, t: 'two' }, alice)).data.addComment.id;

    const forbidden = await h.gql(DELETE_COMMENT, { c: c1 }, mallory);
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);
    expect((await h.gql(COUNTS, { id: post })).data.post.commentCount).toBe(2);

    expect((await h.gql(DELETE_COMMENT, { c: c1 }, alice)).data.deleteComment).toEqual({
      deletedCommentId: c1,
      post: { id: post, commentCount: 1 },
    });
    expect((await h.gql(DELETE_COMMENT, { c: c2 }, author)).data.deleteComment).toEqual({
      deletedCommentId: c2,
      post: { id: post, commentCount: 0 },
    });
    expect(codes(await h.gql(DELETE_COMMENT, { c: c2 }, author))).toEqual(['NOT_FOUND']);
    expect((await h.gql(COUNTS, { id: post })).data.post.commentCount).toBe(0);
  });

  it('refuses unknown and malformed ids and signed-out callers', async () => {
    expect(codes(await h.gql(DELETE_COMMENT, { c: newId() }, newId()))).toEqual(['NOT_FOUND']);
    const bad = await h.gql(DELETE_COMMENT, { c: 'zz' }, newId());
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.extensions!.field).toBe('commentId');
    expect(codes(await h.gql(DELETE_COMMENT, { c: newId() }, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('reports post null when the post was deleted before its comment', async () => {
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const c = (await h.gql(COMMENT, { p: post, t: 'orphan' }, alice)).data.addComment.id;
    await h.gql(DELETE, { id: post }, author);
    expect((await h.gql(DELETE_COMMENT, { c }, alice)).data.deleteComment).toEqual({ deletedCommentId: c, post: null });
  });
});

describe('Query.comment', () => {
  const ONE = `query($id: ID!) { comment(id: $id) { id text createdAt author { id } post { id } } }`;

  it('reads a comment by id, and several in one request with one store query', async () => {
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const c1 = (await h.gql(COMMENT, { p: post, t: ' first ' }, alice)).data.addComment;
    const c2 = (await h.gql(COMMENT, { p: post, t: 'second' }, author)).data.addComment;
    const r = await h.gql(ONE, { id: c1.id });
    expect(r.errors).toBeUndefined();
    expect(r.data.comment).toEqual({ id: c1.id, text: 'first', createdAt: c1.createdAt, author: { id: alice }, post: { id: post } });

    const findByIds = jest.spyOn(h.comments, 'findByIds');
    const both = await h.gql(`query($a: ID!, $b: ID!) { a: comment(id: $a) { text } b: comment(id: $b) { text } }`, { a: c1.id, b: c2.id });
    expect(both.data).toEqual({ a: { text: 'first' }, b: { text: 'second' } });
    expect(findByIds).toHaveBeenCalledTimes(1);
  });

  it('returns null for an unknown or deleted comment', async () => {
    const alice = newId();
    const [post] = await createPosts(h, newId(), 1);
    const c = (await h.gql(COMMENT, { p: post, t: 'soon gone' }, alice)).data.addComment.id;
    await h.gql(DELETE_COMMENT, { c }, alice);
    for (const id of [c, newId()]) {
      const r = await h.gql(ONE, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data.comment).toBeNull();
    }
  });

  it('still returns a comment whose post was deleted, with post null (as the Comment entity does)', async () => {
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const c = (await h.gql(COMMENT, { p: post, t: 'orphan' }, alice)).data.addComment.id;
    await h.gql(DELETE, { id: post }, author);
    const r = await h.gql(ONE, { id: c });
    expect(r.errors).toBeUndefined();
    expect(r.data.comment).toMatchObject({ id: c, text: 'orphan', author: { id: alice }, post: null });
  });

  it('refuses a malformed id with BAD_USER_INPUT on "id"', async () => {
    const r = await h.gql(ONE, { id: 'not-an-id' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('id');
  });
});

describe('Post.comments and the Comment entity', () => {
  it('lists comments oldest first, page by page', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.gql(COMMENT, { p: post, t: `c${i}` }, newId())).data.addComment.id);
    const first = (await h.gql(COMMENTS, { id: post, first: 3 })).data.post;
    expect(first.commentCount).toBe(5);
    expect(first.comments.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(0, 3));
    expect(first.comments.pageInfo.hasNextPage).toBe(true);
    const next = (await h.gql(COMMENTS, { id: post, first: 3, after: first.comments.pageInfo.endCursor })).data.post.comments;
    expect(next.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(3));
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(codes(await h.gql(COMMENTS, { id: post, first: 101 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('resolves Comment references in one query, unknown ones to null', async () => {
    const [post] = await createPosts(h, newId(), 1);
    const c = (await h.gql(COMMENT, { p: post, t: 'ref me' }, newId())).data.addComment.id;
    const findByIds = jest.spyOn(h.comments, 'findByIds');
    const r = await h.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Comment { id text post { id } } } }`, {
      r: [
        { __typename: 'Comment', id: c },
        { __typename: 'Comment', id: newId() },
      ],
    });
    expect(r.data._entities).toEqual([{ id: c, text: 'ref me', post: { id: post } }, null]);
    expect(findByIds).toHaveBeenCalledTimes(1);
  });
});
