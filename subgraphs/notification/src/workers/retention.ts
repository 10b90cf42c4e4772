import type { NotificationStore } from '../stores/notification-store';

const DELETE_BATCH = 500; // groups per delete command: keeps each command small on FerretDB
const MAX_BATCHES_PER_RUN = 20; // a large backlog is worked off over several runs

/**
 * Removes groups not updated for `retentionDays` (the MongoDB-wire servers we run on lack TTL
 * indexes, so this is a periodic job). Returns how many were removed.
 */
export async function removeExpiredGroups(store: NotificationStore, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60_000);
  let removed = 0;
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const n = await store.deleteUpdatedBefore(cutoff, DELETE_BATCH);
    removed += n;
    if (n < DELETE_BATCH) break;
  }
  return removed;
}
