/**
 * Why the gateway closed a subscription WebSocket (the close event's code), for clients to act on.
 * 4401 and 4403 are graphql-ws's own codes (its client does not retry them); 4008 and 4029 are ours.
 */
export const LiveCloseCode = {
  /** The access token in connectionParams is invalid, or it expired while connected: refresh it, then reconnect. */
  Unauthorized: 4401,
  /** The client did not read its events fast enough and its queue filled: reconnect and re-query the screen. */
  SlowConsumer: 4008,
  /** Too many open connections for this user, or for this gateway process: retry later with backoff. */
  TooManyConnections: 4029,
  /** The gateway process is shutting down: reconnect (another instance will answer). */
  GoingAway: 1001,
} as const;
