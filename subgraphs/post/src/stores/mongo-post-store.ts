import { Schema, Types, type Connection, type Model } from 'mongoose';
import { findEachOrIn, idLookupOf, isId, newId, type IdLookup } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { createWithOutbox, mongoOutboxSource, openOutbox, outboxFields, outboxValues, type OutboxDocFields } from '../outbox/mongo-outbox';
import { connectMongo } from './mongo-connection';
import { isDuplicateKey } from './mongo-errors';
import type { CountDeltas, NewPost, PostCountsRow, PostRecord, PostStore, StoredCounts } from './post-store';

/** The stored shape: ids as native ObjectIds (12 bytes, and `_id` order is creation order). */
interface PostDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  authorId: Types.ObjectId;
  text: string;
  createdAt: Date;
  deletedAt: Date | null;
  mentions: Types.ObjectId[];
  // Counts as last flushed (flat fields, so one $inc updates them); absent on posts from before issue 5.
  likeCount?: number;
  commentCount?: number;
  viewCount?: number;
  lastFlushId?: string | null;
}

const postSchema = new Schema<PostDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
    // Always written (null while live) so "live" is an equality match FerretDB and MongoDB agree on.
    deletedAt: { type: Date, default: null },
    mentions: { type: [Schema.Types.ObjectId], default: [] },
    likeCount: { type: Number, default: 0 },
    commentCount: { type: Number, default: 0 },
    viewCount: { type: Number, default: 0 },
    lastFlushId: { type: String, default: null },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
// Serves listByAuthor and recentIdsByAuthors: seek by author, newest first, keyset on _id.
postSchema.index({ authorId: 1, _id: -1 }, { name: 'author_newest' });

/**
 * One claim per deleted post, keyed by the post id. FerretDB v1 applies a conditional update (and
 * findAndModify) as read-then-write, so two concurrent deletes would both "win"; the unique `_id` of
 * an insert is atomic on MongoDB and FerretDB alike, so the claim decides which delete wins.
 */
interface DeletionDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  deletedAt: Date;
}

const deletionSchema = new Schema<DeletionDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    deletedAt: { type: Date, required: true },
    // The post.deleted event lives on the claim: only the delete that won the claim carries it.
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);

const LIVE = { deletedAt: null } as const;
/**
 * Lookups by `_id` ask for the `_id` alone and test `deletedAt` here: FerretDB v1 hands a filter of
 * exactly `{ _id }` down to SQLite, but decodes every post itself for `{ _id, deletedAt: null }`.
 */
const isLive = (doc: { deletedAt?: Date | null } | null): boolean => doc !== null && (doc.deletedAt ?? null) === null;
/** Reads never need the outbox (only the relay does). */
const WITHOUT_OUTBOX = { outbox: 0 } as const;

function toRecord(doc: PostDoc): PostRecord {
  return {
    id: doc._id.toHexString(),
    authorId: doc.authorId.toHexString(),
    text: doc.text,
    createdAt: doc.createdAt,
    deletedAt: doc.deletedAt ?? null,
    mentions: (doc.mentions ?? []).map((m) => m.toHexString()),
    counts: countsOf(doc),
    lastFlushId: doc.lastFlushId ?? null,
  };
}

function countsOf(doc: Pick<PostDoc, 'likeCount' | 'commentCount' | 'viewCount'>): StoredCounts {
  return { likes: doc.likeCount ?? 0, comments: doc.commentCount ?? 0, views: doc.viewCount ?? 0 };
}

/** `$inc` of the non-zero parts of a delta, or null when there is nothing to add. */
function incOf(delta: Partial<StoredCounts>): Record<string, number> | null {
  const inc: Record<string, number> = {};
  if (delta.likes) inc['likeCount'] = delta.likes;
  if (delta.comments) inc['commentCount'] = delta.comments;
  if (delta.views) inc['viewCount'] = delta.views;
  return Object.keys(inc).length ? inc : null;
}

function olderThan(beforeId?: string | null) {
  return beforeId == null ? {} : { _id: { $lt: new Types.ObjectId(beforeId) } };
}

export interface MongoPostStoreOptions {
  uri: string;
  dbName: string;
}

/**
 * PostStore on MongoDB (docker-compose) or FerretDB v1 (CI): plain finds, one insert per post, and for
 * deletion an insert-once claim plus an update; nothing FerretDB v1 lacks (no transactions, $lookup
 * or partial indexes). Uses its own connection, never mongoose's global one, so several stores and tests can
 * live in one process.
 */
export class MongoPostStore implements PostStore {
  private constructor(
    private readonly connection: Connection,
    private readonly posts: Model<PostDoc>,
    private readonly deletions: Model<DeletionDoc>,
    private readonly idLookup: IdLookup,
  ) {}

  /** Connects, then creates the indexes, so a started service never serves unindexed queries. */
  static async connect(opts: MongoPostStoreOptions): Promise<MongoPostStore> {
    const connection = await connectMongo(opts.uri, opts.dbName);
    try {
      return await MongoPostStore.open(connection);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  /** Creates the collections and indexes on a connection; `close()` closes that connection. */
  static async open(connection: Connection): Promise<MongoPostStore> {
    const posts = connection.model<PostDoc>('Post', postSchema, 'posts');
    const deletions = connection.model<DeletionDoc>('PostDeletion', deletionSchema, 'post_deletions');
    await openOutbox(connection);
    await posts.createIndexes();
    await deletions.createCollection(); // up front: no implicit creation racing under concurrent deletes
    await deletions.createIndexes();
    return new MongoPostStore(connection, posts, deletions, await idLookupOf(connection.db));
  }

  async create(post: NewPost): Promise<PostRecord> {
    const doc: PostDoc = {
      _id: new Types.ObjectId(newId()),
      authorId: new Types.ObjectId(post.authorId),
      text: post.text,
      createdAt: new Date(),
      deletedAt: null,
      mentions: (post.mentions ?? []).map((m) => new Types.ObjectId(m)),
      likeCount: 0,
      commentCount: 0,
      viewCount: 0,
      lastFlushId: null,
      ...outboxValues(),
    };
    Object.assign(doc, outboxValues(post.outbox?.(toRecord(doc))));
    await createWithOutbox(this.posts, doc); // validated against the schema; one insert, outbox included (after its marker)
    return toRecord(doc);
  }

  async findByIds(ids: readonly string[]): Promise<PostRecord[]> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return [];
    const docs = await findEachOrIn(
      this.idLookup,
      valid.map((id) => new Types.ObjectId(id)),
      (_ids) => this.posts.find({ _id: { $in: _ids }, ...LIVE }, WITHOUT_OUTBOX).lean<PostDoc[]>(),
      (_id) => this.posts.findOne({ _id }, WITHOUT_OUTBOX).lean<PostDoc>(),
    );
    return docs.filter(isLive).map(toRecord);
  }

  async findById(id: string): Promise<PostRecord | null> {
    if (!isId(id)) return null;
    const doc = await this.posts.findOne({ _id: new Types.ObjectId(id) }, WITHOUT_OUTBOX).lean<PostDoc>();
    return doc && isLive(doc) ? toRecord(doc) : null;
  }

  async liveIds(ids: readonly string[]): Promise<string[]> {
    type LiveDoc = Pick<PostDoc, '_id' | 'deletedAt'>;
    const docs = await findEachOrIn(
      this.idLookup,
      [...new Set(ids)].filter(isId).map((id) => new Types.ObjectId(id)),
      (_ids) => this.posts.find({ _id: { $in: _ids }, ...LIVE }, { deletedAt: 1 }).lean<LiveDoc[]>(),
      (_id) => this.posts.findOne({ _id }, { deletedAt: 1 }).lean<LiveDoc>(),
    );
    const live = new Set(docs.filter(isLive).map((d) => d._id.toHexString()));
    return ids.filter((id) => live.has(id));
  }

  async listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]> {
    if (!isId(authorId)) return [];
    const docs = await this.posts
      .find({ authorId: new Types.ObjectId(authorId), ...LIVE, ...olderThan(beforeId) }, WITHOUT_OUTBOX)
      .sort({ _id: -1 })
      .limit(limit)
      .lean<PostDoc[]>();
    return docs.map(toRecord);
  }

  async recentIdsByAuthors(authorIds: readonly string[], limit: number, beforeId?: string | null): Promise<string[]> {
    const authors = [...new Set(authorIds)].filter(isId).map((id) => new Types.ObjectId(id));
    if (authors.length === 0) return [];
    const docs = await this.posts
      .find({ authorId: { $in: authors }, ...LIVE, ...olderThan(beforeId) }, { _id: 1 })
      .sort({ _id: -1 })
      .limit(limit)
      .lean<Pick<PostDoc, '_id'>[]>();
    return docs.map((d) => d._id.toHexString());
  }

  async softDelete(id: string, outbox: OutboxItem[] = []): Promise<PostRecord | null> {
    if (!isId(id)) return null;
    const _id = new Types.ObjectId(id);
    const live = await this.posts.findOne({ _id }, WITHOUT_OUTBOX).lean<PostDoc>();
    if (!live || !isLive(live)) return null;
    const deletedAt = new Date();
    try {
      await createWithOutbox(this.deletions, { _id, deletedAt, ...outboxValues(outbox) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another delete claimed this post first. Finish its update (idempotent) in case that request
      // died between its two writes, so a claimed post is never left visible.
      const claim = await this.deletions.findById(_id).lean<DeletionDoc>();
      await this.posts.updateOne({ _id, ...LIVE }, { $set: { deletedAt: claim?.deletedAt ?? deletedAt } });
      return null;
    }
    await this.posts.updateOne({ _id }, { $set: { deletedAt } });
    return toRecord({ ...live, deletedAt });
  }

  async findCounts(ids: readonly string[]): Promise<PostCountsRow[]> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return [];
    type CountsDoc = Pick<PostDoc, '_id' | 'likeCount' | 'commentCount' | 'viewCount' | 'lastFlushId'>;
    const fields = { likeCount: 1, commentCount: 1, viewCount: 1, lastFlushId: 1 };
    const docs = await findEachOrIn(
      this.idLookup,
      valid.map((id) => new Types.ObjectId(id)),
      (_ids) => this.posts.find({ _id: { $in: _ids } }, fields).lean<CountsDoc[]>(),
      (_id) => this.posts.findOne({ _id }, fields).lean<CountsDoc>(),
    );
    return docs.map((d) => ({ id: d._id.toHexString(), counts: countsOf(d), lastFlushId: d.lastFlushId ?? null }));
  }

  async applyCounterFlush(flushId: string, deltas: CountDeltas): Promise<void> {
    const ops = [];
    for (const [id, delta] of deltas) {
      const inc = incOf(delta);
      if (!inc || !isId(id)) continue;
      // `lastFlushId: {$ne}` makes a replay of this flush skip posts it already reached.
      ops.push({
        updateOne: {
          filter: { _id: new Types.ObjectId(id), lastFlushId: { $ne: flushId } },
          update: { $inc: inc, $set: { lastFlushId: flushId } },
        },
      });
    }
    if (ops.length) await this.posts.bulkWrite(ops, { ordered: false });
  }

  async adjustCounts(id: string, delta: Partial<StoredCounts>): Promise<void> {
    const inc = incOf(delta);
    if (inc && isId(id)) await this.posts.updateOne({ _id: new Types.ObjectId(id) }, { $inc: inc });
  }

  outboxSources(): OutboxSource[] {
    return [
      mongoOutboxSource('posts', this.posts),
      mongoOutboxSource('post_deletions', this.deletions, async (id) => {
        const _id = new Types.ObjectId(id);
        const claim = await this.deletions.findById(_id).lean<DeletionDoc>();
        if (claim) await this.posts.updateOne({ _id, ...LIVE }, { $set: { deletedAt: claim.deletedAt } });
      }),
    ];
  }

  /** For /ready: throws when the database does not answer. */
  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB is not connected');
    await db.command({ ping: 1 });
  }

  /** Test helper and operations aid: the index names on the posts collection. */
  async indexNames(): Promise<string[]> {
    const indexes = await this.posts.collection.indexes();
    return indexes.map((i) => i.name ?? '');
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
