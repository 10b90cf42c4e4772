import { z } from 'zod';
import type { InternalGraphQLClient } from '@social/kit';
import type { PostSource, RecentPostsQuery } from './post-source';

/** The post subgraph's internal field (reachable only with an internal signature). */
export const RECENT_POST_IDS_QUERY = 'query($a:[ID!]!,$n:Int!,$b:ID){ _recentPostIds(authorIds:$a, first:$n, before:$b) }';

export const LIVE_POST_IDS_QUERY = 'query($ids:[ID!]!){ _livePostIds(ids:$ids) }';

const responseSchema = z.object({ _recentPostIds: z.array(z.string()) });
const liveSchema = z.object({ _livePostIds: z.array(z.string()) });

/** Reads recent and live post ids from the post subgraph; an outage surfaces as SERVICE_UNAVAILABLE (the client's mapping). */
export class HttpPostSource implements PostSource {
  constructor(private readonly client: InternalGraphQLClient) {}

  async recentPostIds(query: RecentPostsQuery, viewerId: string): Promise<string[]> {
    const variables = { a: query.authorIds, n: query.limit, b: query.before };
    const data = await this.client.request<unknown>(RECENT_POST_IDS_QUERY, variables, viewerId);
    // A shape we do not understand is a contract bug between services, not an outage: fail loudly (masked, logged).
    return responseSchema.parse(data)._recentPostIds;
  }

  async livePostIds(ids: string[], viewerId: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const data = await this.client.request<unknown>(LIVE_POST_IDS_QUERY, { ids }, viewerId);
    return liveSchema.parse(data)._livePostIds;
  }
}
