import type { IncomingHttpHeaders } from 'node:http';
import { AccessTokens, InternalSigner, unauthenticated } from '@social/kit';

export interface GatewayContext {
  viewerId: string | null;
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
    return { viewerId, internalToken: await this.signer.sign(viewerId) };
  }

  private async viewerFrom(authorization: string | undefined): Promise<string | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
    const { userId } = await this.tokens.verify(match[1]!);
    return userId;
  }
}
