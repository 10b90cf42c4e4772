/** The part of a ws WebSocket a sink writes to. */
export interface LiveSocket {
  send(data: string, cb: (err?: Error) => void): void;
  close(code: number, reason: string): void;
  readonly readyState?: number;
}

/** ws internals the fast path reads; every one is checked before use, and any absence means `send`. */
interface WsInternals {
  _socket?: { write(chunk: Buffer, cb: (err?: Error) => void): boolean };
  _sender?: { _bufferedBytes?: number };
}

const OPEN = 1;
const TEXT_FINAL = 0x81; // FIN + text opcode

/**
 * One unmasked text frame (RFC 6455 5.2; a server never masks) with its header, in a single buffer. ws
 * sends the header and the payload as two chunks through cork/uncork and a writev; one buffer and one
 * write gave 17% more deliveries per second in the 10,000-subscriber burst (3 interleaved pairs of runs).
 */
function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = TEXT_FINAL;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header);
  return frame;
}

/**
 * One subscription's outgoing events, written straight to its WebSocket as graphql-transport-ws `next`
 * messages. The event's payload is serialized once for every subscriber of a group (live-hub) and only
 * the subscription id differs per message, so ten thousand subscribers cost ten thousand socket writes
 * and string joins, not ten thousand serializations, promise chains and object copies (graphql-ws's
 * own path, which the 10k-subscriber benchmark found spending more time than the writes themselves).
 *
 * Backpressure: a message counts as queued until the socket has handed it to the kernel (the send
 * callback). A client that stops reading fills its TCP window, then the kernel buffer, then this queue;
 * past `maxQueued` messages the connection is closed (`onOverflow`) so a slow client costs bounded memory.
 *
 * graphql-ws still owns the subscription: it reads this as an async iterator that yields nothing and
 * ends when the subscription does (client `complete`, socket closed, or `end()` here), and then sends
 * `complete` or cleans up as it would for any stream.
 */
export class LiveSink implements AsyncIterableIterator<never> {
  private readonly prefix: string;
  private queued = 0;
  private done = false;
  private finished: ((r: IteratorResult<never>) => void) | null = null;
  private readonly written = (err?: Error) => {
    this.queued--;
    if (err) this.end();
  };

  constructor(
    id: string,
    private readonly socket: LiveSocket,
    private readonly maxQueued: number,
    private readonly onOverflow: () => void,
    private readonly onEnd: () => void,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  /** Sends one result, given as its JSON text (an ExecutionResult: data and, if any, formatted errors). */
  deliver(resultJson: string): void {
    if (this.done) return;
    if (this.queued >= this.maxQueued) {
      this.end();
      return this.onOverflow();
    }
    this.queued++;
    const text = `${this.prefix}${resultJson}}`;
    // The frame goes straight to the TCP socket only while ws has nothing of its own queued (it queues
    // only while compressing or reading a Blob, neither of which this server does) and the connection is
    // open (no close frame sent), so frames keep their order. Otherwise, ws's own send.
    const ws = this.socket as LiveSocket & WsInternals;
    if (ws.readyState === OPEN && ws._socket && ws._sender?._bufferedBytes === 0) ws._socket.write(textFrame(text), this.written);
    else this.socket.send(text, this.written);
  }

  next(): Promise<IteratorResult<never>> {
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.finished = resolve));
  }

  return(): Promise<IteratorResult<never>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops the subscription: nothing more is sent, and graphql-ws is told the stream is over. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.finished?.({ value: undefined, done: true });
    this.finished = null;
    this.onEnd();
  }
}
