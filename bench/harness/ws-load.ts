import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Many graphql-ws clients for live-delivery scenarios (thousands of subscribers on one gateway): opens
 * them with bounded concurrency so the server sees a ramp, not a SYN flood, and lets a scenario
 * subscribe them all and time what arrives. Latency is the scenario's business: it knows when it
 * caused the event (e.g. a like) and reads the receive time handed to onNext.
 */
export interface WsClientPool {
  clients: Client[];
  /** Subscribes every client to one operation; returns a function that unsubscribes them all. */
  subscribeAll<T = unknown>(
    operation: { query: string; variables?: Record<string, unknown> },
    onNext: (clientIndex: number, data: T, receivedAtMs: number) => void,
    onError?: (clientIndex: number, error: unknown) => void,
  ): () => void;
  close(): Promise<void>;
}

export async function openWsClients(opts: {
  url: string;
  count: number;
  /** Per client, e.g. an access token: `{ authorization: 'Bearer ...' }`. */
  connectionParams?: (index: number) => Record<string, unknown>;
  /** Connections being opened at once. */
  concurrency?: number;
}): Promise<WsClientPool> {
  const clients: Client[] = new Array(opts.count);
  let next = 0;
  const open = async () => {
    while (next < opts.count) {
      const i = next++;
      const client = createClient({
        url: opts.url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {}, // reported through the 'closed' listener below
        connectionParams: opts.connectionParams ? () => opts.connectionParams!(i) : undefined,
      });
      await new Promise<void>((resolve, reject) => {
        const offConnected = client.on('connected', () => {
          offConnected();
          offClosed();
          resolve();
        });
        const offClosed = client.on('closed', (event) => {
          offConnected();
          offClosed();
          reject(new Error(`client ${i} could not connect: ${(event as { code?: number; reason?: string })?.reason ?? String(event)}`));
        });
      });
      clients[i] = client;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 50, opts.count) }, open));
  } catch (err) {
    await Promise.all(clients.filter(Boolean).map((c) => c.dispose()));
    throw err;
  }
  return {
    clients,
    subscribeAll(operation, onNext, onError) {
      const stops = clients.map((client, i) =>
        client.subscribe(operation, {
          next: (result) => onNext(i, result.data as never, performance.now()),
          error: (err) => onError?.(i, err),
          complete: () => {},
        }),
      );
      return () => stops.forEach((stop) => stop());
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}
