import { encodeCursor, newId } from '@social/kit';
import { CREATE, DELETE, ENTITIES, POST, RECENT, USER_POSTS, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const userPosts = (authorId: string, first?: number, after?: string | null) =>
  h.gql(USER_POSTS, { r: [{ __typename: 'User', id: authorId }], first, after });

describe('createPost and post', () => {
  it('publishes a trimmed post as the viewer and reads it back', async () => {
    const alice = newId();
    const created = await h.gql(CREATE, { text: '  hello world \n' }, alice);
    expect(created.errors).toBeUndefined();
    const post = created.data.createPost;
    expect(post).toMatchObject({ text: 'hello world', author: { id: alice } });
    expect(post.id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Date(post.createdAt).toISOString()).toBe(post.createdAt);

    const read = await h.gql(POST, { id: post.id });
    expect(read.data.post).toEqual(post);
  });

  it('returns null for an unknown post', async () => {
    const r = await h.gql(POST, { id: newId() });
    expect(r.errors).toBeUndefined();
    expect(r.data.post).toBeNull();
  });

  it('refuses a malformed post id with BAD_USER_INPUT', async () => {
    const r = await h.gql(POST, { id: 'not-an-id' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('id');
  });

  it('refuses createPost when signed out with UNAUTHENTICATED and writes nothing', async () => {
    const r = await h.gql(CREATE, { text: 'hi' }, null);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(await h.store.recentIdsByAuthors([newId()], 10)).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t  '],
  ])('refuses %s text with BAD_USER_INPUT on "text" and writes nothing', async (_name, text) => {
    const alice = newId();
    const r = await h.gql(CREATE, { text }, alice);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('text');
    expect(await h.store.listByAuthor(alice, 10)).toEqual([]);
  });

  it('refuses 141 characters with BAD_USER_INPUT on "text" and writes nothing', async () => {
    const alice = newId();
    const r = await h.gql(CREATE, { text: 'a'.repeat(141) }, alice);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('text');
    expect(await h.store.listByAuthor(alice, 10)).toEqual([]);
  });

  it('accepts exactly 140 characters, counting surrounding whitespace out', async () => {
    const r = await h.gql(CREATE, { text: `  ${'a'.repeat(140)}  ` }, newId());
    expect(r.errors).toBeUndefined();
    expect(r.data.createPost.text).toBe('a'.repeat(140));
  });

  it('accepts 140 emoji and accented letters, each counted as one character', async () => {
    const family = '👨‍👩‍👧‍👦'; // one character for a person, 11 UTF-16 units
    const emoji = `${'👍🏽'.repeat(70)}${family.repeat(70)}`;
    const r = await h.gql(CREATE, { text: emoji }, newId());
    expect(r.errors).toBeUndefined();
    expect(r.data.createPost.text).toBe(emoji);

    const accented = 'e\u0301'.repeat(140); // "é" written as e + combining accent
    const r2 = await h.gql(CREATE, { text: accented }, newId());
    expect(r2.errors).toBeUndefined();
    const r3 = await h.gql(CREATE, { text: `${'👍🏽'.repeat(140)}a` }, newId());
    expect(codes(r3)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('User.posts', () => {
  it('pages newest first over several pages without skipping or repeating', async () => {
    const alice = newId();
    const ids = await createPosts(h, alice, 7);
    await createPosts(h, newId(), 3, 'someone else');
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r = await userPosts(alice, 3, after);
      expect(r.errors).toBeUndefined();
      const { edges, pageInfo } = r.data._entities[0].posts;
      seen.push(...edges.map((e: { node: { id: string } }) => e.node.id));
      pages++;
      expect(pageInfo.hasPreviousPage).toBe(false);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1]?.cursor ?? null);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('defaults to 20 per page and gives an empty connection to someone without posts', async () => {
    const alice = newId();
    await createPosts(h, alice, 21);
    const r = await userPosts(alice);
    expect(r.data._entities[0].posts.edges).toHaveLength(20);
    expect(r.data._entities[0].posts.pageInfo.hasNextPage).toBe(true);

    const empty = await userPosts(newId());
    expect(empty.data._entities[0].posts).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it.each([
    ['page size 101', { first: 101 }, 'first'],
    ['page size 0', { first: 0 }, 'first'],
    ['a cursor that is not base64 JSON', { after: '%%%not-a-cursor' }, 'after'],
    ['a cursor of another shape', { after: encodeCursor({ offset: 20 }) }, 'after'],
  ])('refuses %s with BAD_USER_INPUT', async (_name, args, field) => {
    const r = await h.gql(USER_POSTS, { r: [{ __typename: 'User', id: newId() }], ...args });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe(field);
  });
});

describe('deletePost', () => {
  it('lets the author delete a post, which is then gone from every read', async () => {
    const alice = newId();
    const [keep, gone] = await createPosts(h, alice, 2);
    const r = await h.gql(DELETE, { id: gone }, alice);
    expect(r.errors).toBeUndefined();
    expect(r.data.deletePost).toEqual({ deletedPostId: gone });

    expect((await h.gql(POST, { id: gone })).data.post).toBeNull();
    const list = await userPosts(alice);
    expect(list.data._entities[0].posts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([keep]);
    expect((await h.gql(RECENT, { a: [alice], n: 10 })).data._recentPostIds).toEqual([keep]);
    const entities = await h.gql(ENTITIES, {
      r: [
        { __typename: 'Post', id: gone },
        { __typename: 'Post', id: keep },
      ],
    });
    expect(entities.errors).toBeUndefined();
    expect(entities.data._entities[0]).toBeNull();
    expect(entities.data._entities[1].id).toBe(keep);
  });

  it('answers NOT_FOUND the second time the same post is deleted', async () => {
    const alice = newId();
    const [id] = await createPosts(h, alice, 1);
    expect((await h.gql(DELETE, { id }, alice)).errors).toBeUndefined();
    expect(codes(await h.gql(DELETE, { id }, alice))).toEqual(['NOT_FOUND']);
  });

  it("refuses to delete someone else's post with FORBIDDEN and leaves it in place", async () => {
    const alice = newId();
    const [id] = await createPosts(h, alice, 1);
    expect(codes(await h.gql(DELETE, { id }, newId()))).toEqual(['FORBIDDEN']);
    expect((await h.gql(POST, { id })).data.post.id).toBe(id);
  });

  it('answers NOT_FOUND for an unknown post, BAD_USER_INPUT for a malformed id, UNAUTHENTICATED when signed out', async () => {
    expect(codes(await h.gql(DELETE, { id: newId() }, newId()))).toEqual(['NOT_FOUND']);
    const malformed = await h.gql(DELETE, { id: '123' }, newId());
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors![0]!.extensions!.field).toBe('id');
    const [id] = await createPosts(h, newId(), 1);
    expect(codes(await h.gql(DELETE, { id }, null))).toEqual(['UNAUTHENTICATED']);
  });
});
