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
});
