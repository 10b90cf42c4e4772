import type { IncomingHttpHeaders } from 'node:http';
import { AccessTokens, InternalSigner, unauthenticated } from '@social/kit';

/** A subgraph answered with a fallback instead of live data (e.g. popular accounts for suggestions). */
export interface DegradedNotice {
  field: string;
  reason: string;
  fallback: string;
}

export interface GatewayContext {
  viewerId: string | null;
  /** Collected from subgraph responses' `extensions.degraded` and returned in the client response's extensions. */
  degraded: DegradedNotice[];
  /** Signed once per client request and reused for every subgraph fetch the plan makes. */
  internalToken: string;
}

/**
 * Turns the client's Authorization header into the context: no header means an anonymous request
 * (public reads still work); a header that is present but invalid or expired is refused outright
 * with UNAUTHENTICATED, so a client learns to refresh instead of silently seeing a signed-out view.
 */
export class ContextBuilder {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly signer: InternalSigner,
  ) {}

  async build(headers: IncomingHttpHeaders): Promise<GatewayContext> {
    const viewerId = await this.viewerFrom(headers.authorization);
    return { viewerId, internalToken: await this.signer.sign(viewerId), degraded: [] };
  }

  private async viewerFrom(authorization: string | undefined): Promise<string | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
    const { userId } = await this.tokens.verify(match[1]!);
    return userId;
  }
}
