import { z } from 'zod';
import type { InternalGraphQLClient } from '@social/kit';
import type { FollowingSource } from './following-source';

/** The social graph's internal field (reachable only with an internal signature). */
export const FOLLOWING_IDS_QUERY = 'query($u:ID!,$n:Int){ _followingIds(userId:$u, first:$n) }';

const responseSchema = z.object({ _followingIds: z.array(z.string()) });

/** Reads followees from the social-graph subgraph; an outage surfaces as SERVICE_UNAVAILABLE (the client's mapping). */
export class HttpFollowingSource implements FollowingSource {
  constructor(private readonly client: InternalGraphQLClient) {}

  async followingIds(viewerId: string, limit: number): Promise<string[]> {
    const data = await this.client.request<unknown>(FOLLOWING_IDS_QUERY, { u: viewerId, n: limit }, viewerId);
    // A shape we do not understand is a contract bug between services, not an outage: fail loudly (masked, logged).
    return responseSchema.parse(data)._followingIds;
  }
}
