import { z } from 'zod';

/**
 * The one place event subjects and payloads are defined. Events are thin: ids and the few fields a
 * consumer needs to act without calling back. A breaking change to a payload gets a new version
 * number; consumers check `version` and skip what they do not understand.
 */
const id = z.string().regex(/^[0-9a-f]{24}$/);

export const eventSchemas = {
  'user.registered': z.object({ userId: id, handle: z.string() }),
  'user.followed': z.object({ followerId: id, followeeId: id }),
  'user.unfollowed': z.object({ followerId: id, followeeId: id }),
  'post.created': z.object({ postId: id, authorId: id, createdAt: z.string() }),
  'post.deleted': z.object({ postId: id, authorId: id }),
  // Social graph (issue 4): blocks remove follows both ways; VIP status switches an author to pull mode in the feed.
  'user.blocked': z.object({ blockerId: id, blockedId: id }),
  'user.unblocked': z.object({ blockerId: id, blockedId: id }),
  'user.vip-changed': z.object({ userId: id, isVip: z.boolean(), followerCount: z.number().int().nonnegative() }),
  // Interactions (issue 5): `userId` is who acted; `authorId`/`postAuthorId` is who gets notified.
  'post.liked': z.object({ postId: id, authorId: id, userId: id }),
  'post.unliked': z.object({ postId: id, authorId: id, userId: id }),
  'comment.added': z.object({ commentId: id, postId: id, postAuthorId: id, authorId: id, createdAt: z.string() }),
  'comment.deleted': z.object({ commentId: id, postId: id, postAuthorId: id, authorId: id }),
  'user.mentioned': z.object({ mentionedUserId: id, byUserId: id, postId: id, commentId: id.nullable() }),
} as const;

export const EVENT_VERSION = 1;

export type Subject = keyof typeof eventSchemas;
export type EventPayload<S extends Subject> = z.infer<(typeof eventSchemas)[S]>;
export const subjects = Object.keys(eventSchemas) as Subject[];

export interface EventEnvelope<S extends Subject = Subject> {
  /** Unique per event; sent as Nats-Msg-Id so the stream drops a duplicate publish. */
  id: string;
  subject: S;
  version: number;
  occurredAt: string;
  data: EventPayload<S>;
}
