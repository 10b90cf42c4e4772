import { Schema, type Connection, type Model } from 'mongoose';
import { findEachOrIn, idLookupOf, newId, type IdLookup } from '@social/kit';
import { duplicateKeyIndex } from './mongo';
import {
  DuplicateUserError,
  isEmailLookup,
  type NewUser,
  type ProfileChanges,
  type User,
  type UserCredentials,
  type UserStore,
} from './user-store';

interface UserDoc {
  _id: string;
  handle: string;
  /** The unique key: handles are unique regardless of case, so "Ada" blocks "ada". */
  handleLower: string;
  email: string;
  passwordHash: string;
  displayName: string;
  bio: string;
  createdAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    // The kit's 24-hex id as a string: the same id in every store, and a malformed id simply finds nothing.
    _id: { type: String, required: true },
    handle: { type: String, required: true },
    handleLower: { type: String, required: true },
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true },
    bio: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ handleLower: 1 }, { unique: true });
userSchema.index({ email: 1 }, { unique: true });

/** Profile reads never load the credentials. */
const PUBLIC_FIELDS = { _id: 1, handle: 1, displayName: 1, bio: 1, createdAt: 1 } as const;
type PublicDoc = Pick<UserDoc, '_id' | 'handle' | 'displayName' | 'bio' | 'createdAt'>;

export class MongoUserStore implements UserStore {
  private constructor(
    private readonly users: Model<UserDoc>,
    private readonly idLookup: IdLookup,
  ) {}

  /** Registers the model on the connection and builds the unique indexes before the first request. */
  static async open(conn: Connection): Promise<MongoUserStore> {
    const model = (conn.models['User'] as Model<UserDoc> | undefined) ?? conn.model<UserDoc>('User', userSchema);
    await model.createIndexes();
    return new MongoUserStore(model, await idLookupOf(conn.db));
  }

  async create(input: NewUser): Promise<User> {
    const doc: UserDoc = {
      _id: newId(),
      handle: input.handle,
      handleLower: input.handle.toLowerCase(),
      email: input.email.toLowerCase(),
      passwordHash: input.passwordHash,
      displayName: input.displayName,
      bio: '',
      createdAt: new Date(),
    };
    try {
      await this.users.create(doc);
    } catch (err) {
      const index = duplicateKeyIndex(err);
      if (index === 'handleLower') throw new DuplicateUserError('handle');
      if (index === 'email') throw new DuplicateUserError('email');
      if (index !== null) throw new DuplicateUserError(await this.whichDuplicate(doc));
      throw err;
    }
    return toUser(doc);
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.users.findById(id, PUBLIC_FIELDS).lean<PublicDoc>();
    return doc ? toUser(doc) : null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    const docs = await findEachOrIn(
      this.idLookup,
      ids,
      (_ids) => this.users.find({ _id: { $in: _ids } }, PUBLIC_FIELDS).lean<PublicDoc[]>(),
      (_id) => this.users.findById(_id, PUBLIC_FIELDS).lean<PublicDoc>(),
    );
    return docs.map(toUser);
  }

  async findByHandle(handle: string): Promise<User | null> {
    const doc = await this.users.findOne({ handleLower: handle.toLowerCase() }, PUBLIC_FIELDS).lean<PublicDoc>();
    return doc ? toUser(doc) : null;
  }

  async findByHandleOrEmail(handleOrEmail: string): Promise<UserCredentials | null> {
    const key = handleOrEmail.toLowerCase();
    const doc = await this.users.findOne(isEmailLookup(key) ? { email: key } : { handleLower: key }).lean<UserDoc>();
    return doc ? { user: toUser(doc), passwordHash: doc.passwordHash } : null;
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<User | null> {
    const set: Partial<UserDoc> = {};
    if (changes.displayName !== undefined) set.displayName = changes.displayName;
    if (changes.bio !== undefined) set.bio = changes.bio;
    // No projection here: FerretDB v1 does not support findOneAndUpdate with one.
    const doc = await this.users.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async existingIds(ids: readonly string[]): Promise<string[]> {
    const docs = await findEachOrIn(
      this.idLookup,
      ids,
      (_ids) => this.users.find({ _id: { $in: _ids } }, { _id: 1 }).lean<{ _id: string }[]>(),
      (_id) => this.users.findById(_id, { _id: 1 }).lean<{ _id: string }>(),
    );
    return docs.map((d) => d._id);
  }

  /** When a server's duplicate-key error does not name the index, ask which value is taken. */
  private async whichDuplicate(doc: UserDoc): Promise<'handle' | 'email'> {
    const handleTaken = await this.users.exists({ handleLower: doc.handleLower });
    return handleTaken ? 'handle' : 'email';
  }
}

function toUser(doc: PublicDoc): User {
  return { id: doc._id, handle: doc.handle, displayName: doc.displayName, bio: doc.bio, createdAt: doc.createdAt };
}
