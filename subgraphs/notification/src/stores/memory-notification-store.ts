import { orderKey, VersionConflict, type GroupRecord, type Member, type NotificationStore } from './notification-store';

const copyGroup = (g: GroupRecord): GroupRecord => ({ ...g, members: g.members.map((m) => ({ ...m })) });

/** NotificationStore in memory: the embedded default and the unit-test double. */
export class MemoryNotificationStore implements NotificationStore {
  private readonly groups = new Map<string, GroupRecord>();
  private readonly blocks = new Map<string, Member[]>();
  private readonly markers = new Map<string, string>();
  private writes = 0;

  get writeCommands(): number {
    return this.writes;
  }

  async getGroups(ids: readonly string[]): Promise<Map<string, GroupRecord>> {
    const found = new Map<string, GroupRecord>();
    for (const id of ids) {
      const g = this.groups.get(id);
      if (g) found.set(id, copyGroup(g));
    }
    return found;
  }

  async saveGroups(groups: readonly GroupRecord[]): Promise<void> {
    if (groups.length === 0) return;
    for (const g of groups) {
      if ((this.groups.get(g.id)?.version ?? 0) !== g.version) throw new VersionConflict(g.id);
    }
    this.writes++;
    for (const g of groups) this.groups.set(g.id, { ...copyGroup(g), version: g.version + 1 });
  }

  async getGroup(id: string): Promise<GroupRecord | null> {
    const g = this.groups.get(id);
    return g ? copyGroup(g) : null;
  }

  async listVisible(recipientId: string, limit: number, beforeOrder?: string | null): Promise<GroupRecord[]> {
    return this.visible(recipientId)
      .filter((g) => !beforeOrder || orderKey(g) < beforeOrder)
      .sort((a, b) => (orderKey(a) < orderKey(b) ? 1 : -1))
      .slice(0, limit)
      .map(copyGroup);
  }

  async countVisibleAfter(recipientId: string, afterOrder: string | null): Promise<number> {
    return this.visible(recipientId).filter((g) => !afterOrder || orderKey(g) > afterOrder).length;
  }

  async getBlocks(recipientId: string): Promise<Member[]> {
    return (this.blocks.get(recipientId) ?? []).map((m) => ({ ...m }));
  }

  async saveBlocks(recipientId: string, blocks: readonly Member[]): Promise<void> {
    this.writes++;
    this.blocks.set(
      recipientId,
      blocks.map((m) => ({ ...m })),
    );
  }

  async getReadMarker(recipientId: string): Promise<string | null> {
    return this.markers.get(recipientId) ?? null;
  }

  async advanceReadMarker(recipientId: string, order: string): Promise<string> {
    const current = this.markers.get(recipientId);
    if (current !== undefined && current >= order) return current;
    this.writes++;
    this.markers.set(recipientId, order);
    return order;
  }

  async deleteUpdatedBefore(cutoff: Date, limit: number): Promise<number> {
    const old = [...this.groups.values()].filter((g) => g.updatedAt < cutoff).slice(0, limit);
    if (old.length) this.writes++;
    for (const g of old) this.groups.delete(g.id);
    return old.length;
  }

  async ping(): Promise<void> {}

  private visible(recipientId: string): GroupRecord[] {
    return [...this.groups.values()].filter((g) => g.recipientId === recipientId && g.actorCount > 0);
  }
}
