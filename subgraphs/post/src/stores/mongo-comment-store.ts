import { Schema, Types, type Connection, type Model } from 'mongoose';
import { findEachOrIn, idLookupOf, isId, newId, type IdLookup } from '@social/kit';
import type { OutboxItem, OutboxSource } from '../outbox/outbox';
import { createWithOutbox, mongoOutboxSource, openOutbox, outboxFields, outboxValues, type OutboxDocFields } from '../outbox/mongo-outbox';
import { isDuplicateKey } from './mongo-errors';
import type { CommentRecord, CommentStore, NewComment } from './comment-store';

interface CommentDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  postId: Types.ObjectId;
  postAuthorId: Types.ObjectId;
  authorId: Types.ObjectId;
  text: string;
  mentions: Types.ObjectId[];
  createdAt: Date;
}

const commentSchema = new Schema<CommentDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
    postAuthorId: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    mentions: { type: [Schema.Types.ObjectId], default: [] },
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
// Post.comments: one post's comments oldest first, keyset on _id; and the exact count.
commentSchema.index({ postId: 1, _id: 1 }, { name: 'post_oldest' });

/** The claim that decides which delete removed a comment: `_id` is the comment id. Carries comment.deleted. */
interface DeletionDoc extends OutboxDocFields {
  _id: Types.ObjectId;
  postId: Types.ObjectId;
  deletedAt: Date;
}

const deletionSchema = new Schema<DeletionDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
    deletedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
deletionSchema.index({ deletedAt: 1 }, { name: 'deleted_at' }); // the reconciler's "touched since"

const oid = (id: string) => new Types.ObjectId(id);
const hex = (ids: Types.ObjectId[] | undefined) => (ids ?? []).map((i) => i.toHexString());
const WITHOUT_OUTBOX = { outbox: 0 } as const;

function toRecord(d: CommentDoc): CommentRecord {
  return {
    id: d._id.toHexString(),
    postId: d.postId.toHexString(),
    postAuthorId: d.postAuthorId.toHexString(),
    authorId: d.authorId.toHexString(),
    text: d.text,
    mentions: hex(d.mentions),
    createdAt: d.createdAt,
  };
}

/** CommentStore on MongoDB or FerretDB v1. */
export class MongoCommentStore implements CommentStore {
  private constructor(
    private readonly comments: Model<CommentDoc>,
    private readonly deletions: Model<DeletionDoc>,
    private readonly idLookup: IdLookup,
  ) {}

  static async open(connection: Connection): Promise<MongoCommentStore> {
    const comments = connection.model<CommentDoc>('Comment', commentSchema, 'comments');
    const deletions = connection.model<DeletionDoc>('CommentDeletion', deletionSchema, 'comment_deletions');
    await comments.createCollection();
    await deletions.createCollection();
    await openOutbox(connection);
    await comments.createIndexes();
    await deletions.createIndexes();
    return new MongoCommentStore(comments, deletions, await idLookupOf(connection.db));
  }

  async create(c: NewComment): Promise<CommentRecord> {
    const doc: CommentDoc = {
      _id: oid(newId()),
      postId: oid(c.postId),
      postAuthorId: oid(c.postAuthorId),
      authorId: oid(c.authorId),
      text: c.text,
      mentions: c.mentions.map(oid),
      createdAt: new Date(),
      ...outboxValues(),
    };
    Object.assign(doc, outboxValues(c.outbox(toRecord(doc))));
    await createWithOutbox(this.comments, doc);
    return toRecord(doc);
  }

  async findById(id: string): Promise<CommentRecord | null> {
    if (!isId(id)) return null;
    const doc = await this.comments.findById(oid(id), WITHOUT_OUTBOX).lean<CommentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async findByIds(ids: readonly string[]): Promise<CommentRecord[]> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return [];
    const docs = await findEachOrIn(
      this.idLookup,
      valid.map(oid),
      (_ids) => this.comments.find({ _id: { $in: _ids } }, WITHOUT_OUTBOX).lean<CommentDoc[]>(),
      (_id) => this.comments.findById(_id, WITHOUT_OUTBOX).lean<CommentDoc>(),
    );
    return docs.map(toRecord);
  }

  async delete(id: string, outbox: OutboxItem[]): Promise<CommentRecord | null> {
    const comment = await this.findById(id);
    if (!comment) return null;
    const _id = oid(id);
    try {
      await createWithOutbox(this.deletions, { _id, postId: oid(comment.postId), deletedAt: new Date(), ...outboxValues(outbox) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.comments.deleteOne({ _id }); // the winner may have died before removing it: finish for it
      return null;
    }
    await this.comments.deleteOne({ _id });
    return comment;
  }

  async listByPost(postId: string, limit: number, afterId?: string | null): Promise<CommentRecord[]> {
    if (!isId(postId)) return [];
    const docs = await this.comments
      .find({ postId: oid(postId), ...(afterId ? { _id: { $gt: oid(afterId) } } : {}) }, WITHOUT_OUTBOX)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<CommentDoc[]>();
    return docs.map(toRecord);
  }

  async countByPost(postId: string): Promise<number> {
    return isId(postId) ? this.comments.countDocuments({ postId: oid(postId) }) : 0;
  }

  async postIdsTouchedSince(since: Date, limit: number): Promise<string[]> {
    const fromId = Types.ObjectId.createFromTime(Math.floor(since.getTime() / 1000));
    const [added, deleted] = await Promise.all([
      this.comments
        .find({ _id: { $gte: fromId } }, { postId: 1 })
        .limit(limit)
        .lean<CommentDoc[]>(),
      this.deletions
        .find({ deletedAt: { $gte: since } }, { postId: 1 })
        .limit(limit)
        .lean<DeletionDoc[]>(),
    ]);
    return [...new Set([...added, ...deleted].map((d) => d.postId.toHexString()))].slice(0, limit);
  }

  outboxSources(): OutboxSource[] {
    return [
      mongoOutboxSource('comments', this.comments),
      mongoOutboxSource('comment_deletions', this.deletions, async (id) => void (await this.comments.deleteOne({ _id: oid(id) }))),
    ];
  }
}
