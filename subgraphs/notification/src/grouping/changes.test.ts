import { createLogger, newId } from '@social/kit';
import { EVENT_VERSION, MemoryLiveBus, type EventEnvelope } from '@social/events';
import { InboxWriter } from '../inbox-writer';
import { MemoryNotificationStore } from '../stores/memory-notification-store';
import { notificationHandler } from '../workers/start-workers';
import { changeFor } from './changes';

const HOUR = 60 * 60_000;
const WINDOW = 12 * HOUR;
const envelope = (subject: EventEnvelope['subject'], data: object, atMs: number): EventEnvelope =>
  ({ id: newId(), subject, version: EVENT_VERSION, occurredAt: new Date(atMs).toISOString(), data }) as EventEnvelope;

describe('changeFor', () => {
  const author = newId();
  const post = newId();
  const start = Date.UTC(2026, 0, 1); // a window boundary (a multiple of 12 hours since the epoch)

  it('puts likes of one post in one window into one group, and the next window into another', () => {
    const like = (u: string, at: number) => changeFor(envelope('post.liked', { postId: post, authorId: author, userId: u }, at), WINDOW);
    const a = like(newId(), start + 1);
    const b = like(newId(), start + WINDOW - 1);
    const c = like(newId(), start + WINDOW);
    expect(a && a.type === 'activity' && a.groupIds).toEqual(b && b.type === 'activity' && b.groupIds);
    expect(c && c.type === 'activity' && c.groupIds[0]).not.toEqual(a && a.type === 'activity' && a.groupIds[0]);
  });

  it('ignores your own actions', () => {
    expect(changeFor(envelope('post.liked', { postId: post, authorId: author, userId: author }, start), WINDOW)).toBeNull();
    expect(changeFor(envelope('user.followed', { followerId: author, followeeId: author }, start), WINDOW)).toBeNull();
  });

  it('an unlike just after a window boundary removes the like from the window before', async () => {
    const store = new MemoryNotificationStore();
    const logger = createLogger('t', 'silent');
    const live = new MemoryLiveBus();
    const handle = notificationHandler(new InboxWriter(store, live, logger), WINDOW, logger);
    const fan = newId();
    await handle(envelope('post.liked', { postId: post, authorId: author, userId: fan }, start + WINDOW - 10));
    expect(await store.countVisibleAfter(author, null)).toBe(1);
    await handle(envelope('post.unliked', { postId: post, authorId: author, userId: fan }, start + WINDOW + 10));
    expect(await store.countVisibleAfter(author, null)).toBe(0);
    await live.close();
  });
});
