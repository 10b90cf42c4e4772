import { LiveSink, type LiveSocket } from '../src/subscriptions/live-sink';

/** A socket that keeps what was sent and the callbacks the kernel would call once it took each message. */
function fakeSocket() {
  const sent: string[] = [];
  const callbacks: ((err?: Error) => void)[] = [];
  const closed: [number, string][] = [];
  const socket: LiveSocket = {
    send: (data, cb) => {
      sent.push(data);
      callbacks.push(cb);
    },
    close: (code, reason) => void closed.push([code, reason]),
  };
  return { socket, sent, callbacks, closed };
}

describe('LiveSink', () => {
  it('writes graphql-transport-ws next messages with the subscription id around the shared result', () => {
    const { socket, sent } = fakeSocket();
    const sink = new LiveSink(
      'sub "1"',
      socket,
      10,
      () => {},
      () => {},
    );
    const result = { data: { postLiked: { likeCount: 3 } }, errors: [{ message: 'partial', path: ['postLiked', 'post'] }] };
    sink.deliver(JSON.stringify(result));
    expect(sent.map((m) => JSON.parse(m))).toEqual([{ id: 'sub "1"', type: 'next', payload: result }]);
  });

  it('closes a connection whose messages the kernel has not taken past the bound, and sends nothing more', () => {
    const { socket, sent, callbacks } = fakeSocket();
    const overflow = jest.fn();
    const ended = jest.fn();
    const sink = new LiveSink('1', socket, 2, overflow, ended);
    sink.deliver('{}');
    sink.deliver('{}');
    callbacks[0]!(); // the kernel took the first: one queued
    sink.deliver('{}');
    expect(overflow).not.toHaveBeenCalled();
    sink.deliver('{}'); // two still queued: over the bound
    expect(overflow).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledTimes(1);
    sink.deliver('{}');
    expect(sent).toHaveLength(3);
  });

  it('is an iterator that yields nothing and finishes when the subscription ends, once', async () => {
    const ended = jest.fn();
    const sink = new LiveSink('1', fakeSocket().socket, 2, () => {}, ended);
    const next = sink.next();
    let settled = false;
    void next.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await sink.return();
    expect(await next).toEqual({ value: undefined, done: true });
    sink.end();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(await sink.next()).toEqual({ value: undefined, done: true });
  });

  it('ends when a write fails (the socket broke)', () => {
    const { socket, callbacks } = fakeSocket();
    const ended = jest.fn();
    const sink = new LiveSink('1', socket, 5, () => {}, ended);
    sink.deliver('{}');
    callbacks[0]!(new Error('EPIPE'));
    expect(ended).toHaveBeenCalledTimes(1);
  });

  /** A socket with the ws internals the fast path writes through; frames land in `frames`. */
  function wsLike(bufferedBytes = 0) {
    const frames: Buffer[] = [];
    const sent: string[] = [];
    const socket = {
      readyState: 1,
      send: (data: string, cb: (err?: Error) => void) => (sent.push(data), cb()),
      close: () => {},
      _socket: { write: (chunk: Buffer, cb: (err?: Error) => void) => (frames.push(chunk), cb(), true) },
      _sender: { _bufferedBytes: bufferedBytes },
    };
    return { socket, frames, sent };
  }

  /** Reads one server frame: FIN and opcode, then the 7-bit, 16-bit or 64-bit length, then the payload. */
  function readFrame(frame: Buffer): { first: number; text: string } {
    const short = frame[1]! & 0x7f;
    const [length, offset] =
      short === 126 ? [frame.readUInt16BE(2), 4] : short === 127 ? [Number(frame.readBigUInt64BE(2)), 10] : [short, 2];
    expect(frame.length).toBe(offset + length);
    expect(frame[1]! & 0x80).toBe(0); // a server never masks
    return { first: frame[0]!, text: frame.subarray(offset).toString('utf8') };
  }

  it('writes one final text frame per event straight to the TCP socket, at every length encoding', () => {
    const { socket, frames, sent } = wsLike();
    const sink = new LiveSink(
      '1',
      socket,
      10,
      () => {},
      () => {},
    );
    const results = ['x', 'é'.repeat(60), 'y'.repeat(70_000)].map((t) => JSON.stringify({ data: { t } }));
    for (const r of results) sink.deliver(r);
    expect(sent).toEqual([]);
    expect(frames.map((f) => readFrame(f))).toEqual(results.map((r) => ({ first: 0x81, text: `{"id":"1","type":"next","payload":${r}}` })));
  });

  it('leaves the frame to ws when ws has frames of its own queued, or the socket is closing', () => {
    const queued = wsLike(12);
    new LiveSink(
      '1',
      queued.socket,
      10,
      () => {},
      () => {},
    ).deliver('{}');
    expect([queued.frames.length, queued.sent.length]).toEqual([0, 1]);
    const closing = wsLike();
    closing.socket.readyState = 2;
    new LiveSink(
      '1',
      closing.socket,
      10,
      () => {},
      () => {},
    ).deliver('{}');
    expect([closing.frames.length, closing.sent.length]).toEqual([0, 1]);
  });
});
