import { Schema, Types, type Model } from 'mongoose';
import type { OutboxDoc, OutboxItem, OutboxSource } from './outbox';

/**
 * The outbox fields every collection with effects carries. `outboxAt` is set with the items and
 * cleared when they are settled; its index lets the relay find pending documents without a scan.
 * (FerretDB v1 has no partial indexes, so the index covers the nulls too; they sort first and the
 * relay's `$lt: <date>` never matches them.)
 */
export const outboxFields = {
  // Mixed: the items are plain objects this service writes and reads back as they are.
  outbox: { type: Schema.Types.Mixed, default: () => [] },
  outboxAt: { type: Date, default: null },
};

export interface OutboxDocFields {
  outbox: OutboxItem[];
  outboxAt: Date | null;
}

export const outboxIndex: [{ outboxAt: 1 }, { name: string }] = [{ outboxAt: 1 }, { name: 'outbox_pending' }];

export const outboxValues = (items: OutboxItem[] = []): OutboxDocFields => ({
  outbox: items,
  outboxAt: items.length ? new Date() : null,
});

/** An OutboxSource over one collection whose `_id` is an ObjectId. */
export function mongoOutboxSource<D extends OutboxDocFields>(
  name: string,
  model: Model<D>,
  complete?: (docId: string) => Promise<void>,
): OutboxSource {
  return {
    name,
    async pending(olderThan: Date, limit: number): Promise<OutboxDoc[]> {
      const docs = await model
        .find({ outboxAt: { $lt: olderThan } }, { outbox: 1 })
        .sort({ outboxAt: 1 })
        .limit(limit)
        .lean<{ _id: Types.ObjectId; outbox?: OutboxItem[] }[]>();
      return docs.map((d) => ({ id: d._id.toHexString(), items: d.outbox ?? [] }));
    },
    async settle(docId: string, remaining: OutboxItem[]): Promise<void> {
      const update = remaining.length ? { $set: { outbox: remaining } } : { $set: { outbox: [], outboxAt: null } };
      await model.updateOne({ _id: new Types.ObjectId(docId) }, update);
    },
    ...(complete ? { complete } : {}),
  };
}
