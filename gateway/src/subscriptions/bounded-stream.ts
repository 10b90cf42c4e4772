import type { ExecutionResult } from 'graphql';

/**
 * One subscriber's outgoing events: an async iterator (what graphql-ws reads from) over a queue of at
 * most `maxQueued` results. graphql-ws sends the next result only once the socket accepted the previous
 * one, so a client that stops reading leaves results here; past the bound `onOverflow` is called once
 * (the connection is closed) and nothing more is kept, so a slow client costs bounded memory.
 */
export class BoundedStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult>) => void) | null = null;
  private done = false;

  constructor(
    private readonly maxQueued: number,
    private readonly onOverflow: () => void,
    private readonly onEnd: () => void,
  ) {}

  push(result: ExecutionResult): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      return resolve({ value: result, done: false });
    }
    if (this.queue.length >= this.maxQueued) {
      this.end();
      return this.onOverflow();
    }
    this.queue.push(result);
  }

  /** Results waiting to be sent (metrics, tests). */
  get queued(): number {
    return this.queue.length;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops the stream: no more results are kept, and a reader waiting for one is told it is over. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onEnd();
  }
}
