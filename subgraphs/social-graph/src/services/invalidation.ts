import type { OutboxRecord } from '../stores/outbox';
import type { Invalidation } from '../stores/relationship-cache';

/**
 * What a committed change makes stale in the cache, read from the events it wrote. The write path
 * applies it right after the commit; the outbox relay applies it again when it publishes the same
 * events, which heals a crash between the commit and the first invalidation.
 */
export function invalidationFor(records: readonly OutboxRecord[]): Invalidation {
  const users = new Set<string>();
  let vipStatus = false;
  for (const r of records) {
    switch (r.subject) {
      case 'user.followed':
      case 'user.unfollowed':
        users.add(r.payload.followerId).add(r.payload.followeeId);
        break;
      case 'user.vip-changed':
        users.add(r.payload.userId);
        vipStatus = true;
        break;
      case 'user.blocked':
      case 'user.unblocked':
        // Blocks change no count or list by themselves; the follows a block removed have their own
        // user.unfollowed records in the same transaction.
        break;
    }
  }
  return { users: [...users], vipStatus };
}
