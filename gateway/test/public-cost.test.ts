import { buildSchema, getOperationAST, parse } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, operationCost } from '../src/public/cost';

const schema = buildSchema(`
  type Query { user(id: ID!): User, users(ids: [ID!]!): [User!]! }
  type User { id: ID!, posts(first: Int, after: String): PostConnection!, followers(first: Int = 3, last: Int): UserConnection! }
  type PostConnection { edges: [PostEdge!]! }
  type PostEdge { node: Post! }
  type Post { id: ID!, comments(first: Int): CommentConnection!, author: User! }
  type CommentConnection { edges: [CommentEdge!]! }
  type CommentEdge { node: Comment! }
  type Comment { id: ID! }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
`);

const costOf = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables);
};

describe('operation cost (GitHub style)', () => {
  it('charges at least one point for an operation without connections', () => {
    expect(costOf('{ user(id: "1") { id } }')).toEqual({ cost: 1, nodes: 0 });
  });

  it('charges a connection once per parent and multiplies what is beneath it by its page size', () => {
    const q = '{ user(id: "1") { posts(first: 10) { edges { node { comments(first: 5) { edges { node { id } } } } } } } }';
    expect(costOf(q)).toEqual({ cost: 11, nodes: 60 });
  });

  it('reads page sizes from variables, variable defaults, argument defaults and the platform default', () => {
    expect(costOf('query($n: Int) { user(id: "1") { posts(first: $n) { edges { node { id } } } } }', { n: 7 }).nodes).toBe(7);
    expect(costOf('query($n: Int = 4) { user(id: "1") { posts(first: $n) { edges { node { id } } } } }').nodes).toBe(4);
    expect(costOf('{ user(id: "1") { followers { edges { node { id } } } } }').nodes).toBe(3);
    expect(costOf('{ user(id: "1") { posts { edges { node { id } } } } }').nodes).toBe(DEFAULT_PAGE_SIZE);
    expect(costOf('{ user(id: "1") { followers(last: 9) { edges { node { id } } } } }').nodes).toBe(9);
  });

  it('caps a page at the largest size the subgraphs serve', () => {
    expect(costOf('{ user(id: "1") { posts(first: 100000) { edges { node { id } } } } }').nodes).toBe(MAX_PAGE_SIZE);
  });

  it('counts through fragments, inline fragments and aliases', () => {
    const q = `
      query { a: user(id: "1") { ...P } b: user(id: "2") { ... on User { posts(first: 2) { edges { node { id } } } } } }
      fragment P on User { posts(first: 3) { edges { node { author { posts(first: 2) { edges { node { id } } } } } } } }`;
    // a: posts (1 request, 3 nodes) + author.posts on 3 parents (3 requests, 6 nodes); b: 1 request, 2 nodes.
    expect(costOf(q)).toEqual({ cost: 5, nodes: 11 });
  });
});
