/**
 * What the feed's resolvers hand back. The feed owns no entity: a Post is a bare federation reference
 * the gateway hydrates from the post subgraph in one batched `_entities` call.
 */
export interface PostRef {
  __typename: 'Post';
  id: string;
}

export const postRef = (id: string): PostRef => ({ __typename: 'Post', id });
