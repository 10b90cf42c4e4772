import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { OutboxDoc, OutboxItem, OutboxSource } from './outbox';

/**
 * The outbox field every collection with effects carries: the items, written in the same insert as the
 * change and emptied once they are all done.
 */
export const outboxFields = {
  // Mixed: the items are plain objects this service writes and reads back as they are.
  outbox: { type: Schema.Types.Mixed, default: () => [] },
};

export interface OutboxDocFields {
  outbox: OutboxItem[];
}

export const outboxValues = (items: OutboxItem[] = []): OutboxDocFields => ({ outbox: items });

/**
 * Pending markers: one small document per document whose items are not all done, in a collection of
 * its own (`outbox_pending`), so the relay reads a handful of markers and then each document by `_id`.
 * A flag or date on the big collections would need an index the relay's query can use, and FerretDB v1
 * (CI) uses none but `_id`: at 500,000 posts one relay pass scanned for 44 s, every 5 s, and kept the
 * server busy for good. The marker is written BEFORE the document, so a document with items always has
 * one. Each insert attempt has a marker of its own (two requests may race to claim one `_id`, and the
 * loser must not take the winner's marker away); a marker whose document is settled is dropped by the
 * relay, and one whose document never appeared (the insert failed) after ORPHAN_AFTER_MS.
 */
interface PendingDoc {
  _id: Types.ObjectId;
  source: string; // the collection's name
  docId: Types.ObjectId;
  at: Date;
}

const pendingSchema = new Schema<PendingDoc>(
  { source: { type: String, required: true }, docId: { type: Schema.Types.ObjectId, required: true }, at: Date },
  { versionKey: false },
);
pendingSchema.index({ source: 1, at: 1 });
pendingSchema.index({ source: 1, docId: 1 });

/** Longer than any insert can take (driver timeouts are seconds): past it a marker without its document is litter. */
export const ORPHAN_AFTER_MS = 10 * 60_000;

/** The markers of one database (created with its indexes by `openOutbox`). */
function pendingModel(connection: Connection): Model<PendingDoc> {
  return (
    (connection.models['OutboxPending'] as Model<PendingDoc> | undefined) ??
    connection.model<PendingDoc>('OutboxPending', pendingSchema, 'outbox_pending')
  );
}

const opened = new WeakMap<Connection, Promise<void>>();

/**
 * Creates the markers' collection and indexes; every store with an outbox calls it at open, and the work
 * is done once per connection (a failed attempt is tried again by the next caller).
 */
export function openOutbox(connection: Connection): Promise<void> {
  let done = opened.get(connection);
  if (!done) {
    const pending = pendingModel(connection);
    done = pending.createCollection().then(() => pending.createIndexes().then(() => undefined));
    done.catch(() => opened.delete(connection));
    opened.set(connection, done);
  }
  return done;
}

/**
 * Inserts a document with outbox items: its own pending marker first, then the document. A failed insert
 * (a lost race for a unique key, an outage) takes its marker back, best effort: the relay drops one left
 * behind, and a stray marker of a document someone else inserted finds that document's items already
 * emptied or still pending, never a second copy of them.
 */
export async function createWithOutbox<D extends OutboxDocFields & { _id: Types.ObjectId }>(model: Model<D>, doc: D): Promise<void> {
  if (doc.outbox.length === 0) {
    await model.create(doc);
    return;
  }
  const pending = pendingModel(model.db);
  const marker = await pending.create({
    _id: new Types.ObjectId(),
    source: model.collection.collectionName,
    docId: doc._id,
    at: new Date(),
  });
  try {
    await model.create(doc);
  } catch (err) {
    await pending.deleteOne({ _id: marker._id }).catch(() => undefined);
    throw err;
  }
}

/** An OutboxSource over one collection whose `_id` is an ObjectId, found through its pending markers. */
export function mongoOutboxSource<D extends OutboxDocFields>(
  name: string,
  model: Model<D>,
  complete?: (docId: string) => Promise<void>,
): OutboxSource {
  const pending = pendingModel(model.db);
  const source = model.collection.collectionName;
  return {
    name,
    async pending(olderThan: Date, limit: number): Promise<OutboxDoc[]> {
      const markers = await pending
        .find({ source, at: { $lt: olderThan } })
        .sort({ at: 1 })
        .limit(limit)
        .lean<PendingDoc[]>();
      const out: OutboxDoc[] = [];
      for (const marker of markers) {
        const doc = await model.findById(marker.docId, { outbox: 1 }).lean<{ _id: Types.ObjectId; outbox?: OutboxItem[] }>();
        const items = doc?.outbox ?? [];
        const id = marker.docId.toHexString();
        if (items.length && !out.some((d) => d.id === id)) out.push({ id, items });
        else if (!items.length && (doc || marker.at.getTime() < Date.now() - ORPHAN_AFTER_MS)) await pending.deleteOne({ _id: marker._id });
      }
      return out;
    },
    async settle(docId: string, remaining: OutboxItem[]): Promise<void> {
      const _id = new Types.ObjectId(docId);
      await model.updateOne({ _id }, { $set: { outbox: remaining } });
      // Emptied first, markers second: a crash in between leaves markers of a settled document, which the relay drops.
      if (remaining.length === 0) await pending.deleteMany({ source, docId: _id });
    },
    ...(complete ? { complete } : {}),
  };
}
