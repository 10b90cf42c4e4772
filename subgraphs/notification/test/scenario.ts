import { newId } from '@social/kit';
import { EVENT_VERSION, type EventEnvelope, type EventPayload, type Subject } from '@social/events';

/** A recorded stream of events, as the consumer would receive it, with distinct increasing times. */
export interface Scenario {
  events: EventEnvelope[];
  /** Everyone who may have notifications in it. */
  recipients: string[];
}

/**
 * Twenty people like one post, one follows and unfollows, one mentions, comments come and one goes,
 * someone is blocked and likes anyway: every kind of change the consumer makes.
 */
export function mixedScenario(start = Date.UTC(2026, 0, 1, 1)): Scenario {
  const author = newId();
  const post = newId();
  const events: EventEnvelope[] = [];
  const add = <S extends Subject>(subject: S, data: EventPayload<S>) =>
    events.push({
      id: newId(),
      subject,
      version: EVENT_VERSION,
      occurredAt: new Date(start + events.length).toISOString(),
      data,
    } as EventEnvelope);
  const likers = Array.from({ length: 20 }, () => newId());
  for (const u of likers) add('post.liked', { postId: post, authorId: author, userId: u });
  add('post.unliked', { postId: post, authorId: author, userId: likers[3]! });
  const follower = newId();
  add('user.followed', { followerId: follower, followeeId: author });
  add('user.unfollowed', { followerId: follower, followeeId: author });
  add('user.followed', { followerId: likers[0]!, followeeId: author });
  add('user.mentioned', { mentionedUserId: author, byUserId: likers[1]!, postId: newId(), commentId: null });
  const [c1, c2] = [newId(), newId()];
  add('comment.added', { commentId: c1, postId: post, postAuthorId: author, authorId: likers[2]!, createdAt: new Date().toISOString() });
  add('comment.added', { commentId: c2, postId: post, postAuthorId: author, authorId: likers[2]!, createdAt: new Date().toISOString() });
  add('comment.deleted', { commentId: c1, postId: post, postAuthorId: author, authorId: likers[2]! });
  const troll = newId();
  add('user.blocked', { blockerId: author, blockedId: troll });
  add('post.liked', { postId: newId(), authorId: author, userId: troll });
  add('post.liked', { postId: post, authorId: author, userId: author }); // own like
  return { events, recipients: [author, likers[1]!] };
}
