import { newId } from '@social/kit';
import {
  DuplicateUserError,
  isEmailLookup,
  type NewUser,
  type ProfileChanges,
  type User,
  type UserCredentials,
  type UserStore,
} from './user-store';

interface Row extends User {
  email: string;
  passwordHash: string;
}

/** An account created elsewhere (a benchmark dataset) with its id; handles and emails must be new to the store. */
export type SeedUser = NewUser & { id: string; createdAt: Date };

/**
 * The embedded default and the unit-test double. Every method checks and writes synchronously
 * before its first await, which makes create as atomic as a unique index. Rows are copied in and
 * out so callers can never mutate stored state.
 */
export class MemoryUserStore implements UserStore {
  private readonly byId = new Map<string, Row>();
  private readonly idByHandle = new Map<string, string>();
  private readonly idByEmail = new Map<string, string>();

  seed(users: readonly SeedUser[]): void {
    for (const u of users) {
      const row: Row = {
        id: u.id,
        handle: u.handle,
        displayName: u.displayName,
        bio: '',
        createdAt: u.createdAt,
        email: u.email.toLowerCase(),
        passwordHash: u.passwordHash,
      };
      this.byId.set(row.id, row);
      this.idByHandle.set(u.handle.toLowerCase(), row.id);
      this.idByEmail.set(row.email, row.id);
    }
  }

  async create(input: NewUser): Promise<User> {
    const handleKey = input.handle.toLowerCase();
    const email = input.email.toLowerCase();
    if (this.idByHandle.has(handleKey)) throw new DuplicateUserError('handle');
    if (this.idByEmail.has(email)) throw new DuplicateUserError('email');
    const row: Row = {
      id: newId(),
      handle: input.handle,
      displayName: input.displayName,
      bio: '',
      createdAt: new Date(),
      email,
      passwordHash: input.passwordHash,
    };
    this.byId.set(row.id, row);
    this.idByHandle.set(handleKey, row.id);
    this.idByEmail.set(email, row.id);
    return toUser(row);
  }

  async findById(id: string): Promise<User | null> {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    return [...new Set(ids)].flatMap((id) => {
      const row = this.byId.get(id);
      return row ? [toUser(row)] : [];
    });
  }

  async findByHandle(handle: string): Promise<User | null> {
    const id = this.idByHandle.get(handle.toLowerCase());
    return id ? this.findById(id) : null;
  }

  async findByHandleOrEmail(handleOrEmail: string): Promise<UserCredentials | null> {
    const key = handleOrEmail.toLowerCase();
    const id = isEmailLookup(key) ? this.idByEmail.get(key) : this.idByHandle.get(key);
    const row = id ? this.byId.get(id) : undefined;
    return row ? { user: toUser(row), passwordHash: row.passwordHash } : null;
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<User | null> {
    const row = this.byId.get(id);
    if (!row) return null;
    if (changes.displayName !== undefined) row.displayName = changes.displayName;
    if (changes.bio !== undefined) row.bio = changes.bio;
    return toUser(row);
  }

  async existingIds(ids: readonly string[]): Promise<string[]> {
    return [...new Set(ids)].filter((id) => this.byId.has(id));
  }
}

function toUser(row: Row): User {
  return { id: row.id, handle: row.handle, displayName: row.displayName, bio: row.bio, createdAt: new Date(row.createdAt) };
}
