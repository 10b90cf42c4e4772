import { Schema, Types, type Connection, type Model } from 'mongoose';
import { isId, newId } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { createWithOutbox, mongoOutboxSource, openOutbox, outboxFields, outboxValues, type OutboxDocFields } from '../outbox/mongo-outbox';
import { isDuplicateKey } from './mongo-errors';
import type { LikeRecord, LikeResult, LikeStore } from './like-store';

interface LikeDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  postId: Types.ObjectId;
  userId: Types.ObjectId;
  createdAt: Date;
}

const likeSchema = new Schema<LikeDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
// The rule "one like per person and post", enforced where FerretDB can enforce it atomically; it also
// serves likedAmong (postId $in, userId).
likeSchema.index({ postId: 1, userId: 1 }, { name: 'post_user_unique', unique: true });
// Post.likedBy: one post's likes, newest first, keyset on _id; and the exact count for the reconciler.
likeSchema.index({ postId: 1, _id: -1 }, { name: 'post_newest' });

/** The claim that decides which unlike removed a like: `_id` is the like's id. Carries post.unliked. */
interface RemovalDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  postId: Types.ObjectId;
  userId: Types.ObjectId;
  removedAt: Date;
}

const removalSchema = new Schema<RemovalDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    removedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
removalSchema.index({ removedAt: 1 }, { name: 'removed_at' }); // the reconciler's "touched since"

const oid = (id: string) => new Types.ObjectId(id);
const toRecord = (d: Pick<LikeDoc, '_id' | 'postId' | 'userId' | 'createdAt'>): LikeRecord => ({
  id: d._id.toHexString(),
  postId: d.postId.toHexString(),
  userId: d.userId.toHexString(),
  createdAt: d.createdAt,
});
const RECORD_FIELDS = { postId: 1, userId: 1, createdAt: 1 } as const;
const MAX_LIKE_ATTEMPTS = 3; // a like racing an unlike of the same pair settles within one retry; three is ample

/** LikeStore on MongoDB or FerretDB v1: unique-index inserts, deletes by _id, claims by insert. */
export class MongoLikeStore implements LikeStore {
  private constructor(
    private readonly likes: Model<LikeDoc>,
    private readonly removals: Model<RemovalDoc>,
  ) {}

  /** Creates the collections and indexes on a connection the caller owns. */
  static async open(connection: Connection): Promise<MongoLikeStore> {
    const likes = connection.model<LikeDoc>('Like', likeSchema, 'likes');
    const removals = connection.model<RemovalDoc>('LikeRemoval', removalSchema, 'like_removals');
    await likes.createCollection();
    await removals.createCollection();
    await openOutbox(connection);
    await likes.createIndexes();
    await removals.createIndexes();
    return new MongoLikeStore(likes, removals);
  }

  async like(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeResult> {
    const doc: LikeDoc = { _id: oid(newId()), postId: oid(postId), userId: oid(userId), createdAt: new Date(), ...outboxValues(outbox) };
    for (let attempt = 1; ; attempt++) {
      try {
        await createWithOutbox(this.likes, doc);
        return { created: true, like: toRecord(doc) };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await this.likes.findOne({ postId: doc.postId, userId: doc.userId }, RECORD_FIELDS).lean<LikeDoc>();
      if (!existing) continue; // removed between our insert and this read: try again
      // A claimed removal whose request died before deleting the like: finish it, then like anew,
      // so a like after an interrupted unlike is not silently undone later by the relay.
      const claimed = await this.removals.exists({ _id: existing._id });
      if (!claimed || attempt >= MAX_LIKE_ATTEMPTS) return { created: false, like: toRecord(existing) };
      await this.likes.deleteOne({ _id: existing._id });
    }
  }

  async unlike(postId: string, userId: string, outbox: OutboxItem[]): Promise<LikeRecord | null> {
    if (!isId(postId) || !isId(userId)) return null;
    const like = await this.likes.findOne({ postId: oid(postId), userId: oid(userId) }, RECORD_FIELDS).lean<LikeDoc>();
    if (!like) return null;
    try {
      await createWithOutbox(this.removals, {
        _id: like._id,
        postId: like.postId,
        userId: like.userId,
        removedAt: new Date(),
        ...outboxValues(outbox),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.likes.deleteOne({ _id: like._id }); // the winner may have died before deleting: finish for it
      return null;
    }
    await this.likes.deleteOne({ _id: like._id });
    return toRecord(like);
  }

  async likedAmong(userId: string, postIds: readonly string[]): Promise<Set<string>> {
    const ids = [...new Set(postIds)].filter(isId);
    if (!isId(userId) || ids.length === 0) return new Set();
    const docs = await this.likes.find({ postId: { $in: ids.map(oid) }, userId: oid(userId) }, { postId: 1 }).lean<LikeDoc[]>();
    return new Set(docs.map((d) => d.postId.toHexString()));
  }

  async listByPost(postId: string, limit: number, beforeId?: string | null): Promise<LikeRecord[]> {
    if (!isId(postId)) return [];
    const docs = await this.likes
      .find({ postId: oid(postId), ...(beforeId ? { _id: { $lt: oid(beforeId) } } : {}) }, RECORD_FIELDS)
      .sort({ _id: -1 })
      .limit(limit)
      .lean<LikeDoc[]>();
    return docs.map(toRecord);
  }

  async countByPost(postId: string): Promise<number> {
    return isId(postId) ? this.likes.countDocuments({ postId: oid(postId) }) : 0;
  }

  async postIdsTouchedSince(since: Date, limit: number): Promise<string[]> {
    const fromId = Types.ObjectId.createFromTime(Math.floor(since.getTime() / 1000));
    const [liked, removed] = await Promise.all([
      this.likes
        .find({ _id: { $gte: fromId } }, { postId: 1 })
        .limit(limit)
        .lean<LikeDoc[]>(),
      this.removals
        .find({ removedAt: { $gte: since } }, { postId: 1 })
        .limit(limit)
        .lean<RemovalDoc[]>(),
    ]);
    return [...new Set([...liked, ...removed].map((d) => d.postId.toHexString()))].slice(0, limit);
  }

  outboxSources(): OutboxSource[] {
    return [
      mongoOutboxSource('likes', this.likes),
      mongoOutboxSource('like_removals', this.removals, async (id) => void (await this.likes.deleteOne({ _id: oid(id) }))),
    ];
  }
}
