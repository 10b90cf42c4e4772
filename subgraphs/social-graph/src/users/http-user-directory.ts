import { InternalGraphQLClient, InternalSigner } from '@social/kit';
import type { UserDirectory } from './user-directory';

const EXISTING_USER_IDS = 'query($ids:[ID!]!){ _existingUserIds(ids:$ids) }';

/**
 * Asks the user subgraph's internal `_existingUserIds` query, signed as "social-graph". When the user
 * service does not answer, the kit client throws SERVICE_UNAVAILABLE and the follow is refused
 * (better than creating a follow to someone who may not exist).
 */
export class HttpUserDirectory implements UserDirectory {
  private readonly client: InternalGraphQLClient;

  constructor(userUrl: string, internalAuthSecret: string) {
    this.client = new InternalGraphQLClient(userUrl, new InternalSigner(internalAuthSecret, 'social-graph'), 'user');
  }

  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const data = await this.client.request<{ _existingUserIds: string[] }>(EXISTING_USER_IDS, { ids }, null);
    return new Set(data._existingUserIds);
  }
}
