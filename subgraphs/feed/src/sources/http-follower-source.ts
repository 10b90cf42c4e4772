import { z } from 'zod';
import type { InternalGraphQLClient } from '@social/kit';
import type { FollowerPage, FollowerSource } from './follower-source';

/** The social graph's internal fields (reachable only with an internal signature). */
export const FOLLOWER_IDS_QUERY =
  'query($u:ID!,$n:Int,$a:String){ _followerIds(userId:$u, first:$n, after:$a){ ids endCursor hasNextPage } }';
export const FOLLOWED_VIP_IDS_QUERY = 'query($u:ID!){ _followedVipIds(userId:$u) }';

const followerSchema = z.object({
  _followerIds: z.object({ ids: z.array(z.string()), endCursor: z.string().nullable(), hasNextPage: z.boolean() }),
});
const vipSchema = z.object({ _followedVipIds: z.array(z.string()) });

/** Reads followers and followed VIPs from the social-graph subgraph; an outage surfaces as SERVICE_UNAVAILABLE. */
export class HttpFollowerSource implements FollowerSource {
  constructor(private readonly client: InternalGraphQLClient) {}

  async followerPage(userId: string, first: number, after: string | null): Promise<FollowerPage> {
    // Asked as the service itself (no viewer): the fan-out acts for no one in particular.
    const data = await this.client.request<unknown>(FOLLOWER_IDS_QUERY, { u: userId, n: first, a: after }, null);
    return followerSchema.parse(data)._followerIds;
  }

  async followedVipIds(userId: string): Promise<string[]> {
    const data = await this.client.request<unknown>(FOLLOWED_VIP_IDS_QUERY, { u: userId }, userId);
    return vipSchema.parse(data)._followedVipIds;
  }
}
