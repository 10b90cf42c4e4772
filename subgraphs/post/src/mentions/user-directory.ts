import type { InternalGraphQLClient } from '@social/kit';

/**
 * Who exists, by handle: the user subgraph owns accounts, so mentions ask it rather than keep a copy.
 * Handles are given and returned lower-cased.
 */
export interface UserDirectory {
  /** Lower-cased handle to user id, for the handles among `handles` that belong to an account. */
  idsByHandle(handles: readonly string[]): Promise<Map<string, string>>;
}

export const MAX_MENTIONS = 30; // a 140-character text holds at most 28 distinct @handles of 3+ characters; more is not a real text

/**
 * Asks the user subgraph's public `userByHandle` for all handles in ONE request (one aliased field
 * per handle; the user subgraph resolves them in parallel). A batch internal field would be cheaper
 * per handle, but the user subgraph is not this service's to change, and texts hold few mentions.
 */
export class GraphQLUserDirectory implements UserDirectory {
  constructor(private readonly client: InternalGraphQLClient) {}

  async idsByHandle(handles: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(handles)].slice(0, MAX_MENTIONS);
    if (unique.length === 0) return new Map();
    const vars = unique.map((_, i) => `$h${i}: String!`).join(', ');
    const fields = unique.map((_, i) => `h${i}: userByHandle(handle: $h${i}) { id handle }`).join(' ');
    const variables = Object.fromEntries(unique.map((h, i) => [`h${i}`, h]));
    const data = await this.client.request<Record<string, { id: string; handle: string } | null>>(
      `query Mentions(${vars}) { ${fields} }`,
      variables,
      null,
    );
    const found = new Map<string, string>();
    for (const user of Object.values(data)) if (user) found.set(user.handle.toLowerCase(), user.id);
    return found;
  }
}

/** For tests and for a post service started without USER_URL (then nobody can be mentioned). */
export class MemoryUserDirectory implements UserDirectory {
  private readonly byHandle = new Map<string, string>();

  constructor(users: Record<string, string> = {}) {
    for (const [handle, id] of Object.entries(users)) this.add(handle, id);
  }

  add(handle: string, id: string): void {
    this.byHandle.set(handle.toLowerCase(), id);
  }

  async idsByHandle(handles: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const h of handles.slice(0, MAX_MENTIONS)) {
      const id = this.byHandle.get(h.toLowerCase());
      if (id) found.set(h.toLowerCase(), id);
    }
    return found;
  }
}
