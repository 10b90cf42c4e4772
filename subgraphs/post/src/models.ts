import type { PostRecord } from './stores/post-store';

/** What Post resolvers receive: the stored record (createdAt and author are mapped in resolvers/Post.ts). */
export type PostModel = PostRecord;

/** A person this subgraph only references: the user subgraph owns every other field. */
export interface UserRef {
  id: string;
}
