import DataLoader from 'dataloader';
import type { InternalIdentity } from '@social/kit';
import type { AccountService } from './auth/accounts';
import type { User, UserStore } from './stores/user-store';

export interface Services {
  users: UserStore;
  accounts: AccountService;
}

export interface Loaders {
  /** Users by id, null when there is none; one store call per batch (one `_entities` request = one batch). */
  user: DataLoader<string, User | null>;
}

export interface Context extends InternalIdentity, Services {
  loaders: Loaders;
}

/** A fresh context per request: loaders must not cache across requests (or across people). */
export function createContext(identity: InternalIdentity, services: Services): Context {
  return { ...identity, ...services, loaders: { user: userLoader(services.users) } };
}

function userLoader(users: UserStore): DataLoader<string, User | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await users.findByIds(ids)).map((u) => [u.id, u]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
