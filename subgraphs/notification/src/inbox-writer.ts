import type { Logger } from '@social/kit';
import { liveSubjects, type LivePublisher } from '@social/events';
import { applyActivity, applyBlocks } from './grouping/apply';
import type { ActivityChange, BlockChange, Change } from './grouping/changes';
import { orderKey, VersionConflict, type GroupRecord, type NotificationStore } from './stores/notification-store';

const MAX_BATCH = 200; // changes per write: bounds one group-commit's work and its retry after a conflict
const MAX_CONFLICT_RETRIES = 5; // another instance writing the same recipient settles within a few re-reads

interface Pending {
  change: Change;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes each recipient's changes one batch at a time (group commit). While one write for a recipient
 * is in flight, further changes for them wait and then go in one write together: a burst of likes on
 * one post costs a handful of writes, not one per like. `submit` resolves once the change is stored,
 * so the event is acknowledged only after that (a crash before it means redelivery, and redelivery
 * changes nothing: see grouping/apply.ts).
 */
export class InboxWriter {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly store: NotificationStore,
    private readonly live: LivePublisher,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  submit(change: Change): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(change.recipientId);
      if (queue) return void queue.push({ change, resolve, reject });
      this.queues.set(change.recipientId, [{ change, resolve, reject }]);
      void this.drain(change.recipientId);
    });
  }

  private async drain(recipientId: string): Promise<void> {
    const queue = this.queues.get(recipientId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const changed = await this.writeWithRetry(
          recipientId,
          batch.map((p) => p.change),
        );
        await this.announce(recipientId, changed);
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.queues.delete(recipientId);
  }

  private async writeWithRetry(recipientId: string, changes: Change[]): Promise<GroupRecord[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(recipientId, changes);
      } catch (err) {
        if (!(err instanceof VersionConflict) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        this.logger.debug({ recipientId, attempt }, 'notification write conflicted; re-reading');
      }
    }
  }

  /** Reads the recipient's block list and the groups named, applies the changes, writes what changed. */
  private async write(recipientId: string, changes: Change[]): Promise<GroupRecord[]> {
    const blockChanges = changes.filter((c): c is BlockChange => c.type === 'block');
    const activity = changes.filter((c): c is ActivityChange => c.type === 'activity');
    const blocks = await this.store.getBlocks(recipientId);
    const blocksChanged = applyBlocks(blocks, blockChanges);
    const groups = await this.store.getGroups([...new Set(activity.flatMap((c) => c.groupIds))]);
    const changedIds = applyActivity(groups, activity, blocks, this.now());
    const changed = [...changedIds].map((id) => groups.get(id)!);
    await this.store.saveGroups(changed);
    if (blocksChanged) await this.store.saveBlocks(recipientId, blocks);
    return changed;
  }

  /** Live events for the groups that changed: best effort, the stored state is what counts. */
  private async announce(recipientId: string, changed: GroupRecord[]): Promise<void> {
    if (changed.length === 0) return;
    try {
      const marker = await this.store.getReadMarker(recipientId);
      const unreadCount = await this.store.countVisibleAfter(recipientId, marker);
      const newestFirst = [...changed].sort((a, b) => (orderKey(a) < orderKey(b) ? 1 : -1));
      for (const g of newestFirst) {
        await this.live.publishLive(liveSubjects.notification(recipientId), { userId: recipientId, groupId: g.id, unreadCount });
      }
    } catch (err) {
      this.logger.warn({ err, recipientId }, 'live notification skipped');
    }
  }
}
