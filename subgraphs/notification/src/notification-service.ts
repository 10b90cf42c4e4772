import { z } from 'zod';
import { badInput, decodeCursor, encodeCursor, forbidden, forwardConnection, isId, notFound, pageSize, type Connection } from '@social/kit';
import type { NotificationModel } from './models';
import { orderKey, type NotificationStore } from './stores/notification-store';

const cursorSchema = z.object({ o: z.string().regex(/^\d{15}:[0-9a-f]{24}$/) });

/** What the API reads and the one thing it writes (the read marker). The consumer writes the rest. */
export class NotificationService {
  constructor(private readonly store: NotificationStore) {}

  /** The recipient's groups, most recently updated first, with their read state. */
  async list(
    recipientId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<NotificationModel>> {
    const limit = pageSize(first);
    const before = after == null ? null : decodeCursor(after, cursorSchema).o;
    const [rows, marker] = await Promise.all([
      this.store.listVisible(recipientId, limit + 1, before),
      this.store.getReadMarker(recipientId),
    ]);
    return forwardConnection(
      rows,
      limit,
      (g) => encodeCursor({ o: orderKey(g) }),
      (group) => ({ group, read: marker !== null && orderKey(group) <= marker }),
    );
  }

  async unreadCount(recipientId: string): Promise<number> {
    return this.store.countVisibleAfter(recipientId, await this.store.getReadMarker(recipientId));
  }

  /** Moves the read marker to the group `upTo` (never backwards); returns the unread count afterwards. */
  async markRead(recipientId: string, upTo: string): Promise<number> {
    if (!isId(upTo)) throw badInput('"upTo" must be a notification id.', 'upTo');
    const group = await this.store.getGroup(upTo);
    if (!group) throw notFound('There is no such notification.');
    if (group.recipientId !== recipientId) throw forbidden('That notification belongs to someone else.');
    const marker = await this.store.advanceReadMarker(recipientId, orderKey(group));
    return this.store.countVisibleAfter(recipientId, marker);
  }
}
