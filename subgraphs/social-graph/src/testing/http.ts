import { INTERNAL_AUTH_HEADER, InternalSigner, type RunningService } from '@social/kit';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

export interface CallOptions {
  /** Signed-in person, signed as the gateway; null or absent means signed out. */
  viewerId?: string | null;
  /** Overrides the signed header: null sends none, a string is sent as is (a forged token). */
  header?: string | null;
  secret?: string;
}

/** Posts one operation to a started service the way the gateway would (tests only). */
export async function call<T = Record<string, any>>(
  service: RunningService,
  secret: string,
  query: string,
  variables: Record<string, unknown> = {},
  opts: CallOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header =
    opts.header !== undefined ? opts.header : await new InternalSigner(opts.secret ?? secret, 'gateway').sign(opts.viewerId ?? null);
  if (header !== null) headers[INTERNAL_AUTH_HEADER] = header;
  const res = await fetch(service.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/** The code of the first error, for asserting exact error codes. */
export function errorCode(res: GraphQLResponse): string | undefined {
  return res.errors?.[0]?.extensions?.['code'];
}
