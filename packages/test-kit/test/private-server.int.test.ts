import net from 'node:net';
import { privateServer } from '../src';

/** Speaks just enough RESP to PING a Redis server. */
async function redisPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (b) => (socket.destroy(), resolve(b.toString().trim())));
    socket.once('error', reject);
  });
}

describe('privateServer', () => {
  it('starts a redis on its own port, stops it like a crash and restarts it on the same port', async () => {
    const redis = await privateServer('redis');
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await redisPing(redis.port)).toBe('+PONG');
      await redis.stop();
      await expect(redisPing(redis.port)).rejects.toThrow();
      await redis.start();
      expect(await redisPing(redis.port)).toBe('+PONG');
    } finally {
      await redis.close();
    }
  });

  it('starts nats with JetStream and restarts it on the same port', async () => {
    const nats = await privateServer('nats');
    try {
      await nats.stop();
      await nats.start();
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await nats.close();
    }
  });
});
