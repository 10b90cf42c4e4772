import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter, on } from 'node:events';
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { openWsClients } from './ws-load';

const events = new EventEmitter();
events.setMaxListeners(100);

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      tick: {
        type: new GraphQLNonNull(GraphQLInt),
        subscribe: async function* () {
          for await (const [n] of on(events, 'tick')) yield { tick: n as number };
        },
      },
    },
  }),
});

describe('openWsClients', () => {
  let server: http.Server;
  let url: string;
  const seenParams: unknown[] = [];

  beforeAll(async () => {
    server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/graphql' });
    useServer({ schema, onConnect: (ctx) => void seenParams.push(ctx.connectionParams) }, wss);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(['graphql-ws', 'protocol'] as const)(
    '%s clients: open with their own connection params, deliver to every subscriber, and close',
    async (client) => {
      seenParams.length = 0;
      const pool = await openWsClients({
        url,
        count: 20,
        concurrency: 5,
        client,
        connectionParams: (i) => ({ authorization: `Bearer token-${i}` }),
      });
      if (client === 'graphql-ws') expect(pool.clients).toHaveLength(20);
      expect(seenParams).toHaveLength(20);
      expect(seenParams).toContainEqual({ authorization: 'Bearer token-19' });

      const received = new Map<number, number[]>();
      const before = events.listenerCount('tick'); // an earlier test's server-side generators may linger
      let subscribed!: () => void;
      const allSubscribed = new Promise<void>((r) => (subscribed = r));
      const check = setInterval(() => events.listenerCount('tick') === before + 20 && subscribed(), 5);
      const everyoneGotTwo = new Promise<void>((resolve) => {
        const stop = pool.subscribeAll<{ tick: number }>({ query: 'subscription { tick }' }, (i, data, at) => {
          expect(at).toEqual(expect.any(Number));
          received.set(i, [...(received.get(i) ?? []), data.tick]);
          if ([...received.values()].filter((v) => v.length === 2).length === 20) {
            stop();
            resolve();
          }
        });
      });
      await allSubscribed;
      clearInterval(check);
      events.emit('tick', 1);
      events.emit('tick', 2);
      await everyoneGotTwo;
      expect([...received.values()].every((v) => v.join() === '1,2')).toBe(true);
      await pool.close();
    },
  );

  it.each(['graphql-ws', 'protocol'] as const)('%s: fails, closing what it opened, when the server refuses connections', async (client) => {
    await expect(openWsClients({ url: 'ws://127.0.0.1:1/graphql', count: 3, client })).rejects.toThrow(/could not connect/);
  });
});
