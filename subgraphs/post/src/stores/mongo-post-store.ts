import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { isId, newId } from '@social/kit';
import type { NewPost, PostRecord, PostStore } from './post-store';

/** The stored shape: ids as native ObjectIds (12 bytes, and `_id` order is creation order). */
interface PostDoc {
  _id: Types.ObjectId;
  authorId: Types.ObjectId;
  text: string;
  createdAt: Date;
  deletedAt: Date | null;
}

const postSchema = new Schema<PostDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
    // Always written (null while live) so "live" is an equality match FerretDB and MongoDB agree on.
    deletedAt: { type: Date, default: null },
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
interface DeletionDoc {
  _id: Types.ObjectId;
  deletedAt: Date;
}

const deletionSchema = new Schema<DeletionDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    deletedAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);

const LIVE = { deletedAt: null } as const;
const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown) => (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;

function toRecord(doc: PostDoc): PostRecord {
  return {
    id: doc._id.toHexString(),
    authorId: doc.authorId.toHexString(),
    text: doc.text,
    createdAt: doc.createdAt,
    deletedAt: doc.deletedAt ?? null,
  };
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
  ) {}

  /** Connects, then creates the indexes, so a started service never serves unindexed queries. */
  static async connect(opts: MongoPostStoreOptions): Promise<MongoPostStore> {
    const connection = await mongoose
      .createConnection(opts.uri, {
        dbName: opts.dbName,
        // Fail fast during an outage instead of queueing requests behind a reconnect; /ready reports it.
        bufferCommands: false,
        serverSelectionTimeoutMS: 5_000,
        autoIndex: false,
        autoCreate: false,
      })
      .asPromise();
    try {
      const posts = connection.model<PostDoc>('Post', postSchema, 'posts');
      const deletions = connection.model<DeletionDoc>('PostDeletion', deletionSchema, 'post_deletions');
      await posts.createIndexes();
      await deletions.createCollection(); // up front: no implicit creation racing under concurrent deletes
      return new MongoPostStore(connection, posts, deletions);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  async create(post: NewPost): Promise<PostRecord> {
    const doc: PostDoc = {
      _id: new Types.ObjectId(newId()),
      authorId: new Types.ObjectId(post.authorId),
      text: post.text,
      createdAt: new Date(),
      deletedAt: null,
    };
    await this.posts.create(doc); // validated against the schema; one insert
    return toRecord(doc);
  }

  async findByIds(ids: readonly string[]): Promise<PostRecord[]> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return [];
    const docs = await this.posts.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) }, ...LIVE }).lean<PostDoc[]>();
    return docs.map(toRecord);
  }

  async findById(id: string): Promise<PostRecord | null> {
    if (!isId(id)) return null;
    const doc = await this.posts.findOne({ _id: new Types.ObjectId(id), ...LIVE }).lean<PostDoc>();
    return doc ? toRecord(doc) : null;
  }

  async listByAuthor(authorId: string, limit: number, beforeId?: string | null): Promise<PostRecord[]> {
    if (!isId(authorId)) return [];
    const docs = await this.posts
      .find({ authorId: new Types.ObjectId(authorId), ...LIVE, ...olderThan(beforeId) })
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

  async softDelete(id: string): Promise<PostRecord | null> {
    if (!isId(id)) return null;
    const _id = new Types.ObjectId(id);
    const live = await this.posts.findOne({ _id, ...LIVE }).lean<PostDoc>();
    if (!live) return null;
    const deletedAt = new Date();
    try {
      await this.deletions.create({ _id, deletedAt });
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
