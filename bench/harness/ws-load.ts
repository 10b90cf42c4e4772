import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Many graphql-ws clients for live-delivery scenarios (thousands of subscribers on one gateway): opens
 * them with bounded concurrency so the server sees a ramp, not a SYN flood, and lets a scenario
 * subscribe them all and time what arrives. Latency is the scenario's business: it knows when it
 * caused the event (e.g. a like) and reads the receive time handed to onNext.
 */
export interface WsClientPool {
  /** The graphql-ws clients (kind 'graphql-ws' only). */
  clients?: Client[];
  /** Subscribes every client to one operation; returns a function that unsubscribes them all. */
  subscribeAll<T = unknown>(
    operation: { query: string; variables?: Record<string, unknown> },
    onNext: (clientIndex: number, data: T, receivedAtMs: number) => void,
    onError?: (clientIndex: number, error: unknown) => void,
  ): () => void;
  close(): Promise<void>;
}

export interface WsClientOptions {
  url: string;
  count: number;
  /** Per client, e.g. an access token: `{ authorization: 'Bearer ...' }`. */
  connectionParams?: (index: number) => Record<string, unknown>;
  /** Connections being opened at once. */
  concurrency?: number;
  /**
   * `graphql-ws` (default): the graphql-ws library's client, as an app would use it. `protocol`: the
   * graphql-transport-ws messages spoken directly over ws (init, subscribe, next, ping/pong, complete),
   * for scenarios that put thousands of clients in this one process: the library's per-message work
   * (validation, emitter, sinks) cost the harness as much CPU per event as the server spent sending it,
   * on a machine where both share two cores.
   */
  client?: 'graphql-ws' | 'protocol';
}

export async function openWsClients(opts: WsClientOptions): Promise<WsClientPool> {
  if (opts.client === 'protocol') return openProtocolClients(opts);
  const clients = await openAll<Client>(
    opts,
    async (i) => {
      const client = createClient({
        url: opts.url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {}, // reported through the 'closed' listener below
        connectionParams: opts.connectionParams ? () => opts.connectionParams!(i) : undefined,
      });
      try {
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
      } catch (err) {
        await client.dispose();
        throw err;
      }
      return client;
    },
    async (c) => void (await c.dispose()),
  );
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

type Listener = { next(id: string, data: unknown): void; error(id: string, err: unknown): void };

/** One graphql-transport-ws connection without a client library: what it sends and reads is the protocol itself. */
class ProtocolClient {
  private readonly socket: WebSocket;
  private listener: Listener | null = null;
  readonly acknowledged: Promise<void>;

  constructor(url: string, params: Record<string, unknown> | undefined) {
    this.socket = new WebSocket(url, 'graphql-transport-ws');
    this.acknowledged = new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => this.send({ type: 'connection_init', ...(params ? { payload: params } : {}) }));
      this.socket.on('error', reject); // kept: a later error must not go unheard (ws throws when none listens)
      this.socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
      this.socket.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type: string; id?: string; payload?: unknown };
        if (msg.type === 'next') this.listener?.next(msg.id!, msg.payload);
        else if (msg.type === 'error') this.listener?.error(msg.id!, msg.payload);
        else if (msg.type === 'ping') this.send({ type: 'pong' });
        else if (msg.type === 'connection_ack') resolve();
      });
    });
  }

  subscribe(id: string, operation: { query: string; variables?: Record<string, unknown> }, listener: Listener): () => void {
    this.listener = listener;
    this.send({ id, type: 'subscribe', payload: operation });
    return () => this.send({ id, type: 'complete' });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000, 'done');
    });
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

async function openProtocolClients(opts: WsClientOptions): Promise<WsClientPool> {
  const clients = await openAll<ProtocolClient>(
    opts,
    async (i) => {
      const client = new ProtocolClient(opts.url, opts.connectionParams?.(i));
      try {
        await client.acknowledged;
      } catch (err) {
        await client.close();
        throw new Error(`client ${i} could not connect: ${(err as Error).message}`);
      }
      return client;
    },
    (c) => c.close(),
  );
  return {
    subscribeAll(operation, onNext, onError) {
      const stops = clients.map((client, i) =>
        client.subscribe('1', operation, {
          next: (_id, result) => onNext(i, (result as { data?: unknown }).data as never, performance.now()),
          error: (_id, err) => onError?.(i, err),
        }),
      );
      return () => stops.forEach((stop) => stop());
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** Opens `count` clients, `concurrency` at a time (a ramp, not a SYN flood); on a failure closes those opened and throws. */
async function openAll<C>(opts: WsClientOptions, open: (i: number) => Promise<C>, close: (c: C) => Promise<void>): Promise<C[]> {
  const clients: C[] = new Array(opts.count);
  let next = 0;
  const worker = async () => {
    while (next < opts.count) {
      const i = next++;
      clients[i] = await open(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 50, opts.count) }, worker));
  } catch (err) {
    await Promise.all(clients.filter(Boolean).map(close));
    throw err;
  }
  return clients;
}
