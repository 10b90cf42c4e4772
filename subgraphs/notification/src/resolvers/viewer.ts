import { unauthenticated } from '@social/kit';
import type { Context } from '../context';

/** Notifications are personal: every field needs a signed-in person. */
export function requireViewer(ctx: Context): string {
  if (!ctx.viewerId) throw unauthenticated('Sign in to see your notifications.');
  return ctx.viewerId;
}
