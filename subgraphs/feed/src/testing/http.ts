import { INTERNAL_AUTH_HEADER, InternalSigner } from '@social/kit';

export interface GraphQLResponse {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** Posts one GraphQL operation to a started service, optionally with an internal signature header. */
export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authHeader?: string,
): Promise<GraphQLResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authHeader ? { [INTERNAL_AUTH_HEADER]: authHeader } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GraphQLResponse, 'status'>) };
}

/** The header the gateway would send for `viewerId` (null: signed out). */
export const gatewayHeader = (secret: string, viewerId: string | null) => new InternalSigner(secret, 'gateway').sign(viewerId);
