import type { CommentRecord } from './stores/comment-store';
import type { PostRecord } from './stores/post-store';

/** What Post resolvers receive: the stored record (createdAt, author and counts are mapped in resolvers/Post.ts). */
export type PostModel = PostRecord;

/** What Comment resolvers receive: the stored record. */
export type CommentModel = CommentRecord;

/** A person this subgraph only references: the user subgraph owns every other field. */
export interface UserRef {
  id: string;
}
