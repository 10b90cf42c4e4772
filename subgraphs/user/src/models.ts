import type { User } from './stores/user-store';

/** What User resolvers receive: the store's profile record (createdAt as a Date, no credentials). */
export type UserModel = User;
