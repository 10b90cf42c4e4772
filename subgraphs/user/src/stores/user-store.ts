/**
 * Accounts. The password hash and the email never leave the store except through
 * findByHandleOrEmail (the one place login needs them), so a profile read can never leak them.
 */
export interface User {
  id: string;
  /** As the person typed it at registration; uniqueness is case-insensitive. */
  handle: string;
  displayName: string;
  bio: string;
  createdAt: Date;
}

export interface NewUser {
  handle: string;
  /** Already validated; the store keeps it lower-cased whatever it is given. */
  email: string;
  passwordHash: string;
  displayName: string;
}

export interface UserCredentials {
  user: User;
  passwordHash: string;
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string;
}

export type UniqueUserField = 'handle' | 'email';

/**
 * Thrown by create when a unique index refuses the insert. Uniqueness is enforced by the store
 * (a unique index, or the memory store's synchronous maps), never by a read before the write, so two
 * concurrent registrations of one handle end with one account and one DuplicateUserError.
 */
export class DuplicateUserError extends Error {
  constructor(readonly field: UniqueUserField) {
    super(`a user with this ${field} already exists`);
    this.name = 'DuplicateUserError';
  }
}

export interface UserStore {
  /** Inserts a new account with a fresh id and an empty bio; throws DuplicateUserError. */
  create(input: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** The users that exist among `ids`, in no particular order (callers re-order). */
  findByIds(ids: readonly string[]): Promise<User[]>;
  /** Case-insensitive. */
  findByHandle(handle: string): Promise<User | null>;
  /** An email when the value contains "@" (handles cannot), otherwise a case-insensitive handle. */
  findByHandleOrEmail(handleOrEmail: string): Promise<UserCredentials | null>;
  /** Applies the given fields; null when there is no such user. */
  updateProfile(id: string, changes: ProfileChanges): Promise<User | null>;
  /** The ids among `ids` that belong to an account, in no particular order. */
  existingIds(ids: readonly string[]): Promise<string[]>;
}

export const isEmailLookup = (handleOrEmail: string): boolean => handleOrEmail.includes('@');
