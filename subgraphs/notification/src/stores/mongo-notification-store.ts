import { Schema, Types, type AnyBulkWriteOperation, type Connection, type Model } from 'mongoose';
import { findEachOrIn, idLookupOf, isId, type IdLookup } from '@social/kit';
import { isDuplicateKey } from './mongo-connection';
import {
  orderKey,
  VersionConflict,
  type GroupRecord,
  type Member,
  type NotificationKind,
  type NotificationStore,
} from './notification-store';

interface MemberDoc {
  u: Types.ObjectId;
  at: Date;
  p: boolean;
}

interface GroupDoc {
  _id: Types.ObjectId;
  recipientId: Types.ObjectId;
  kind: NotificationKind;
  postId: Types.ObjectId | null;
  commentId: Types.ObjectId | null;
  members: MemberDoc[];
  actorCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** orderKey(group), stored so one index serves the list, its pages and the unread count. */
  order: string;
  version: number;
}

interface InboxDoc {
  _id: Types.ObjectId;
  blocks?: MemberDoc[];
  readMarker?: string | null;
}

const memberSchema = new Schema<MemberDoc>({ u: Schema.Types.ObjectId, at: Date, p: Boolean }, { _id: false });
const groupSchema = new Schema<GroupDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    recipientId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    postId: { type: Schema.Types.ObjectId, default: null },
    commentId: { type: Schema.Types.ObjectId, default: null },
    members: { type: [memberSchema], default: [] },
    actorCount: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    order: { type: String, required: true },
    version: { type: Number, required: true },
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
// A recipient's list newest first and the unread count (order > marker); MongoDB uses it, FerretDB v1 scans.
groupSchema.index({ recipientId: 1, order: -1 }, { name: 'recipient_order' });
groupSchema.index({ updatedAt: 1 }, { name: 'updated_at' }); // retention

const inboxSchema = new Schema<InboxDoc>(
  { _id: { type: Schema.Types.ObjectId, required: true }, blocks: { type: [memberSchema] }, readMarker: { type: String } },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);

const oid = (id: string) => new Types.ObjectId(id);
const hex = (id: Types.ObjectId | null) => (id ? id.toHexString() : null);
const toMember = (m: MemberDoc): Member => ({ userId: m.u.toHexString(), at: m.at, present: m.p });
const fromMember = (m: Member): MemberDoc => ({ u: oid(m.userId), at: m.at, p: m.present });

const toRecord = (d: GroupDoc): GroupRecord => ({
  id: d._id.toHexString(),
  recipientId: d.recipientId.toHexString(),
  kind: d.kind,
  postId: hex(d.postId),
  commentId: hex(d.commentId),
  members: d.members.map(toMember),
  actorCount: d.actorCount,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  version: d.version,
});

const toDoc = (g: GroupRecord, version: number): GroupDoc => ({
  _id: oid(g.id),
  recipientId: oid(g.recipientId),
  kind: g.kind,
  postId: g.postId ? oid(g.postId) : null,
  commentId: g.commentId ? oid(g.commentId) : null,
  members: g.members.map(fromMember),
  actorCount: g.actorCount,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
  order: orderKey(g),
  version,
});

const hasDuplicateKey = (err: unknown) =>
  isDuplicateKey(err) || ((err as { writeErrors?: { code?: number }[] }).writeErrors ?? []).some((e) => e.code === 11000);

/**
 * NotificationStore on MongoDB or FerretDB v1. Groups are read and written by `_id` (the cheapest
 * lookup on FerretDB, though still a scan of the collection there at scale); a new group is an insert
 * (a duplicate `_id` means another writer made it first) and an update is a replace guarded by the
 * version read, all in one bulkWrite command.
 */
export class MongoNotificationStore implements NotificationStore {
  private writes = 0;

  private constructor(
    private readonly groups: Model<GroupDoc>,
    private readonly inboxes: Model<InboxDoc>,
    private readonly idLookup: IdLookup,
  ) {}

  static async open(connection: Connection): Promise<MongoNotificationStore> {
    const groups = connection.model<GroupDoc>('NotificationGroup', groupSchema, 'notification_groups');
    const inboxes = connection.model<InboxDoc>('NotificationInbox', inboxSchema, 'notification_inboxes');
    await groups.createCollection();
    await inboxes.createCollection();
    await groups.createIndexes();
    return new MongoNotificationStore(groups, inboxes, await idLookupOf(connection.db));
  }

  get writeCommands(): number {
    return this.writes;
  }

  async getGroups(ids: readonly string[]): Promise<Map<string, GroupRecord>> {
    const docs = await findEachOrIn(
      this.idLookup,
      [...new Set(ids)].filter(isId).map(oid),
      (_ids) => this.groups.find({ _id: { $in: _ids } }).lean<GroupDoc[]>(),
      (_id) => this.groups.findById(_id).lean<GroupDoc>(),
    );
    return new Map(docs.map((d) => [d._id.toHexString(), toRecord(d)]));
  }

  async saveGroups(groups: readonly GroupRecord[]): Promise<void> {
    if (groups.length === 0) return;
    const ops: AnyBulkWriteOperation<GroupDoc>[] = groups.map((g) =>
      g.version === 0
        ? { insertOne: { document: toDoc(g, 1) } }
        : { replaceOne: { filter: { _id: oid(g.id), version: g.version }, replacement: toDoc(g, g.version + 1) } },
    );
    this.writes++;
    let result;
    try {
      result = await this.groups.bulkWrite(ops, { ordered: true });
    } catch (err) {
      if (hasDuplicateKey(err)) throw new VersionConflict(groups.find((g) => g.version === 0)?.id ?? '?');
      throw err;
    }
    const replaced = groups.filter((g) => g.version !== 0).length;
    if (result.matchedCount < replaced) throw new VersionConflict(groups.find((g) => g.version !== 0)!.id);
  }

  async getGroup(id: string): Promise<GroupRecord | null> {
    if (!isId(id)) return null;
    const doc = await this.groups.findById(oid(id)).lean<GroupDoc>();
    return doc ? toRecord(doc) : null;
  }

  async listVisible(recipientId: string, limit: number, beforeOrder?: string | null): Promise<GroupRecord[]> {
    const docs = await this.groups
      .find({ recipientId: oid(recipientId), actorCount: { $gt: 0 }, ...(beforeOrder ? { order: { $lt: beforeOrder } } : {}) })
      .sort({ order: -1 })
      .limit(limit)
      .lean<GroupDoc[]>();
    return docs.map(toRecord);
  }

  async countVisibleAfter(recipientId: string, afterOrder: string | null): Promise<number> {
    return this.groups.countDocuments({
      recipientId: oid(recipientId),
      actorCount: { $gt: 0 },
      ...(afterOrder ? { order: { $gt: afterOrder } } : {}),
    });
  }

  async getBlocks(recipientId: string): Promise<Member[]> {
    const doc = await this.inboxes.findById(oid(recipientId), { blocks: 1 }).lean<InboxDoc>();
    return (doc?.blocks ?? []).map(toMember);
  }

  async saveBlocks(recipientId: string, blocks: readonly Member[]): Promise<void> {
    // Only `blocks`: the read marker in the same document is written by requests, never by the consumer.
    await this.upsertRetrying(() =>
      this.inboxes.updateOne({ _id: oid(recipientId) }, { $set: { blocks: blocks.map(fromMember) } }, { upsert: true }),
    );
  }

  async getReadMarker(recipientId: string): Promise<string | null> {
    const doc = await this.inboxes.findById(oid(recipientId), { readMarker: 1 }).lean<InboxDoc>();
    return doc?.readMarker ?? null;
  }

  async advanceReadMarker(recipientId: string, order: string): Promise<string> {
    const _id = oid(recipientId);
    const behind = { $or: [{ readMarker: { $exists: false } }, { readMarker: null }, { readMarker: { $lt: order } }] };
    this.writes++;
    try {
      await this.inboxes.updateOne({ _id, ...behind }, { $set: { readMarker: order } }, { upsert: true });
    } catch (err) {
      // The upsert tried to insert because the stored marker is already at or past `order`: nothing to do.
      if (!isDuplicateKey(err)) throw err;
    }
    return (await this.getReadMarker(recipientId)) ?? order;
  }

  async deleteUpdatedBefore(cutoff: Date, limit: number): Promise<number> {
    const old = await this.groups
      .find({ updatedAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean<Pick<GroupDoc, '_id'>[]>();
    if (old.length === 0) return 0;
    this.writes++;
    const result = await this.groups.deleteMany({ _id: { $in: old.map((d) => d._id) } });
    return result.deletedCount;
  }

  /** For /ready: throws when the database does not answer. */
  async ping(): Promise<void> {
    const db = this.groups.db.db;
    if (!db) throw new Error('MongoDB is not connected');
    await db.command({ ping: 1 });
  }

  /** Two first writes of one inbox (a block and a read marker) may race to insert it: the loser updates. */
  private async upsertRetrying(write: () => Promise<unknown>): Promise<void> {
    this.writes++;
    try {
      await write();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await write();
    }
  }
}
