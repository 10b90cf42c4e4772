import { INTERNAL_AUTH_HEADER, type InternalSigner } from './internal-auth';
import { serviceUnavailable } from './errors';

/**
 * A tiny GraphQL client for service-to-service reads (e.g. the pull feed asking the social graph for
 * followees). Node's fetch keeps connections alive by default; each call is signed as the calling
 * service on behalf of the viewer, and a failure of the other service surfaces as SERVICE_UNAVAILABLE.
 */
export class InternalGraphQLClient {
  constructor(
    private readonly url: string,
    /** Signs each call: an InternalSigner, or a cache of its tokens (the gateway's InternalTokenCache). */
    private readonly signer: Pick<InternalSigner, 'sign'>,
    private readonly serviceName: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown>, viewerId: string | null): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_AUTH_HEADER]: await this.signer.sign(viewerId),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw serviceUnavailable(`The ${this.serviceName} service is not answering. Please try again shortly.`);
    }
    const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message: string }[] } | null;
    if (!body?.data || body.errors?.length) {
      throw serviceUnavailable(`The ${this.serviceName} service could not answer: ${body?.errors?.[0]?.message ?? res.status}`);
    }
    return body.data;
  }
}
