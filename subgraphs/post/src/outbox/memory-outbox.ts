import type { OutboxDoc, OutboxItem, OutboxSource } from './outbox';

/** The outbox fields a memory record carries, as a Mongo document does. */
export interface OutboxFields {
  outbox: OutboxItem[];
  /** When the pending items were written; null once settled. */
  outboxAt: Date | null;
}

export const withOutbox = (items: OutboxItem[] = []): OutboxFields => ({
  outbox: structuredClone(items),
  outboxAt: items.length ? new Date() : null,
});

/** An OutboxSource over a memory table, for the memory stores. */
export function memoryOutboxSource<R extends OutboxFields>(
  name: string,
  rows: Map<string, R>,
  complete?: (docId: string) => Promise<void>,
): OutboxSource {
  return {
    name,
    async pending(olderThan: Date, limit: number): Promise<OutboxDoc[]> {
      return [...rows.entries()]
        .filter(([, r]) => r.outboxAt !== null && r.outboxAt < olderThan)
        .sort(([, a], [, b]) => a.outboxAt!.getTime() - b.outboxAt!.getTime())
        .slice(0, limit)
        .map(([id, r]) => ({ id, items: structuredClone(r.outbox) }));
    },
    async settle(docId: string, remaining: OutboxItem[]): Promise<void> {
      const row = rows.get(docId);
      if (!row) return;
      row.outbox = structuredClone(remaining);
      if (remaining.length === 0) row.outboxAt = null;
    },
    ...(complete ? { complete } : {}),
  };
}
