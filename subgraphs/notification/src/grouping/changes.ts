import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@social/events';
import type { NotificationKind } from '../stores/notification-store';

/** Someone acted (present) or took it back (not present) on something a recipient owns. */
export interface ActivityChange {
  type: 'activity';
  recipientId: string;
  actorId: string;
  at: Date;
  present: boolean;
  kind: NotificationKind;
  postId: string | null;
  commentId: string | null;
  /**
   * The groups the change may apply to, first the one it belongs to now. An undo also looks at the
   * previous window, since the like it takes back may have been grouped there.
   */
  groupIds: string[];
}

/** The recipient blocked (or unblocked) someone: no notifications from them while blocked. */
export interface BlockChange {
  type: 'block';
  recipientId: string;
  userId: string;
  at: Date;
  blocked: boolean;
}

export type Change = ActivityChange | BlockChange;

/**
 * A group's id: a hash of its recipient and what it is about, shaped like every other id (24 hex).
 * Deterministic, so a redelivered event finds the group it already changed with one `_id` read.
 */
export function groupId(recipientId: string, ...parts: (string | number)[]): string {
  return createHash('sha256')
    .update([recipientId, ...parts].join('|'))
    .digest('hex')
    .slice(0, 24);
}

/**
 * Turns a domain event into the change it makes to someone's notifications, or null when it makes
 * none (your own action). Likes and follows group per fixed window of `windowMs` (counted from the
 * epoch), so the group of an event is known from the event alone.
 */
export function changeFor(event: EventEnvelope, windowMs: number): Change | null {
  const at = new Date(event.occurredAt);
  const windowOf = (t: Date) => Math.floor(t.getTime() / windowMs);
  const grouped = (recipientId: string, kind: 'LIKE' | 'FOLLOW', target: string, present: boolean) => {
    const w = windowOf(at);
    return present
      ? [groupId(recipientId, kind, target, w)]
      : [groupId(recipientId, kind, target, w), groupId(recipientId, kind, target, w - 1)];
  };
  const activity = (c: Omit<ActivityChange, 'type' | 'at'>): Change | null =>
    c.actorId === c.recipientId ? null : { type: 'activity', at, ...c };

  switch (event.subject) {
    case 'post.liked':
    case 'post.unliked': {
      const d = event.data as { postId: string; authorId: string; userId: string };
      const present = event.subject === 'post.liked';
      return activity({
        recipientId: d.authorId,
        actorId: d.userId,
        present,
        kind: 'LIKE',
        postId: d.postId,
        commentId: null,
        groupIds: grouped(d.authorId, 'LIKE', d.postId, present),
      });
    }
    case 'user.followed':
    case 'user.unfollowed': {
      const d = event.data as { followerId: string; followeeId: string };
      const present = event.subject === 'user.followed';
      return activity({
        recipientId: d.followeeId,
        actorId: d.followerId,
        present,
        kind: 'FOLLOW',
        postId: null,
        commentId: null,
        groupIds: grouped(d.followeeId, 'FOLLOW', d.followeeId, present),
      });
    }
    case 'comment.added':
    case 'comment.deleted': {
      // A deleted comment takes its notification with it: what it pointed to is gone.
      const d = event.data as { commentId: string; postId: string; postAuthorId: string; authorId: string };
      const present = event.subject === 'comment.added';
      return activity({
        recipientId: d.postAuthorId,
        actorId: d.authorId,
        present,
        kind: 'COMMENT',
        postId: d.postId,
        commentId: d.commentId,
        groupIds: [groupId(d.postAuthorId, 'COMMENT', d.commentId)],
      });
    }
    case 'user.mentioned': {
      const d = event.data as { mentionedUserId: string; byUserId: string; postId: string; commentId: string | null };
      return activity({
        recipientId: d.mentionedUserId,
        actorId: d.byUserId,
        present: true,
        kind: 'MENTION',
        postId: d.postId,
        commentId: d.commentId,
        groupIds: [groupId(d.mentionedUserId, 'MENTION', d.postId, d.commentId ?? 'post')],
      });
    }
    case 'user.blocked':
    case 'user.unblocked': {
      const d = event.data as { blockerId: string; blockedId: string };
      return { type: 'block', recipientId: d.blockerId, userId: d.blockedId, at, blocked: event.subject === 'user.blocked' };
    }
    default:
      return null;
  }
}

/** The events the consumer subscribes to. */
export const NOTIFICATION_SUBJECTS = [
  'post.liked',
  'post.unliked',
  'comment.added',
  'comment.deleted',
  'user.mentioned',
  'user.followed',
  'user.unfollowed',
  'user.blocked',
  'user.unblocked',
] as const;
