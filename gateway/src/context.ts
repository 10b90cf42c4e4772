import type { IncomingHttpHeaders } from 'node:http';
import { unauthenticated } from '@social/kit';
import type { InternalTokenCache } from './internal-tokens';
import type { VerifiedAccessTokens } from './verified-access-tokens';

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
  /** The viewer's internal token (signed once per viewer and reused for about 50 s), sent on every subgraph fetch. */
  internalToken: string;
}

/**
 * Turns the client's Authorization header into the context: no header means an anonymous request
 * (public reads still work); a header that is present but invalid or expired is refused outright
 * with UNAUTHENTICATED, so a client learns to refresh instead of silently seeing a signed-out view.
 */
export class ContextBuilder {
  constructor(
    private readonly tokens: VerifiedAccessTokens,
    private readonly internalTokens: InternalTokenCache,
  ) {}

  async build(headers: IncomingHttpHeaders): Promise<GatewayContext> {
    const viewerId = await this.viewerFrom(headers.authorization);
    return { viewerId, internalToken: await this.internalTokens.get(viewerId), degraded: [] };
  }

  private async viewerFrom(authorization: string | undefined): Promise<string | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
    const { userId } = await this.tokens.verify(match[1]!);
    return userId;
  }
}
