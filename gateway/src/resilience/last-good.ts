import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { BoundedCache } from '../bounded-cache';

/** What a client sees in extensions.degraded when a field was answered from the last good answer. */
export const LAST_GOOD_FALLBACK = 'last-good-answer';
export const SUBGRAPH_UNAVAILABLE_REASON = 'subgraph-unavailable';
const MAX_ENTRIES = 1_000;
/** The root field of a subgraph query fetch: `{ user(...` or `query Name($id: ID!) { user(...`. */
const ROOT_FIELD = /^\s*(?:query\b[^{]*)?\{\s*(\w+)/;

/**
 * The gateway-level fallback for designated root fields (FALLBACK_FIELDS, "subgraph.field") when
 * their whole subgraph is down: the last successful answer to the same signed-out fetch (same
 * query, same variables), kept per process. Signed-out only, because such an answer is the same for
 * every signed-out client; a signed-in answer may hold viewer-specific fields and is never reused.
 */
export class LastGoodAnswers {
  private readonly answers = new BoundedCache<GatewayGraphQLResponse>(MAX_ENTRIES);
  private readonly fields: Set<string>;

  constructor(fields: string) {
    this.fields = new Set(
      fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    );
  }

  /** The designated field this fetch asks for, if it is one. */
  fieldOf(subgraph: string, query: string | undefined): string | undefined {
    const field = query && ROOT_FIELD.exec(query)?.[1];
    return field && this.fields.has(`${subgraph}.${field}`) ? field : undefined;
  }

  async remember(key: string, response: GatewayGraphQLResponse): Promise<void> {
    if (!response.errors?.length) await this.answers.set(key, response);
  }

  recall(key: string): Promise<GatewayGraphQLResponse | undefined> {
    return this.answers.get(key);
  }
}

export const fetchKey = (subgraph: string, query: string, variables: Record<string, unknown> | undefined) =>
  `${subgraph}\n${query}\n${JSON.stringify(variables ?? {})}`;
