/** The part of a ws WebSocket a sink writes to. */
export interface LiveSocket {
  send(data: string, cb: (err?: Error) => void): void;
  close(code: number, reason: string): void;
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
    this.socket.send(`${this.prefix}${resultJson}}`, this.written);
  }

  /** Messages written to the socket but not yet taken by the kernel (metrics, tests). */
  get pending(): number {
    return this.queued;
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
