import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createLogger } from '@social/kit';
import { liveSubjects, MemoryLiveBus } from '@social/events';
import { eventually } from '@social/test-kit';
import { LiveFanIn } from '../src/subscriptions/fan-in';
import { LiveHub, WRITE_CHUNK, type LiveQueryExecutor } from '../src/subscriptions/live-hub';
import { readLiveFields } from '../src/subscriptions/live-schema';
import { LiveSink } from '../src/subscriptions/live-sink';
import { planSelection } from '../src/subscriptions/selection-plan';
import { loadApiSchema, SUPERGRAPH } from './live-test-server';

const LIKED = `subscription($p: ID!) { postLiked(postId: $p) { likeCount likedBy { handle } } }`;

describe('LiveHub: how a group of subscribers is written to', () => {
  let schema: GraphQLSchema;
  let stopSchema: () => Promise<void>;
  let bus: MemoryLiveBus;
  let hub: LiveHub;
  /** Milliseconds the fake supergraph takes to resolve the liker, per user id. */
  const slow = new Map<string, number>();
  /** Everything the fake sockets were sent, in order, plus markers the tests insert. */
  let log: string[];

  const execute: LiveQueryExecutor = async (query, variables) => {
    const aliases = (query.document.definitions[0] as OperationDefinitionNode).selectionSet.selections.map((s) =>
      'alias' in s ? s.alias!.value : '',
    );
    const ids = aliases.map((a) => variables[a] as string);
    await new Promise((r) => setTimeout(r, Math.max(0, ...ids.map((id) => slow.get(id) ?? 0))));
    return { data: Object.fromEntries(aliases.map((a, i) => [a, { handle: `h_${ids[i]}` }])) };
  };

  beforeAll(async () => {
    ({ schema, stop: stopSchema } = await loadApiSchema());
  });
  afterAll(() => stopSchema());
  beforeEach(() => {
    bus = new MemoryLiveBus();
    hub = new LiveHub(schema, new LiveFanIn(bus), execute, createLogger('test', 'silent'));
    log = [];
  });
  afterEach(() => bus.close());

  /** `count` subscribers of postLiked(p1) in one group; each socket logs what it was sent, as "<index>:<liker>". */
  function subscribe(count: number, onSend?: (index: number) => void): void {
    const document = parse(LIKED);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const { plan } = planSelection(schema, document, operation, { p: 'p1' }, readLiveFields(SUPERGRAPH));
    for (let i = 0; i < count; i++) {
      const socket = {
        send: (data: string, cb: (err?: Error) => void) => {
          const liker = (JSON.parse(data) as { payload: { data: { postLiked: { likedBy: { handle: string } } } } }).payload.data.postLiked
            .likedBy;
          log.push(`${i}:${liker.handle}`);
          onSend?.(i);
          cb();
        },
        close: () => {},
      };
      const sink = new LiveSink(
        String(i),
        socket,
        10,
        () => {},
        () => {},
      );
      hub.add(sink, { source: LIKED, operationName: null, variables: { p: 'p1' }, viewerId: null }, plan, liveSubjects.postLiked('p1'));
    }
  }

  it('delivers events in the order they arrived, even when the first one resolves last', async () => {
    subscribe(1);
    slow.set('u-slow', 80);
    await bus.publishLive(liveSubjects.postLiked('p1'), { postId: 'p1', userId: 'u-slow', likeCount: 1 });
    await new Promise((r) => setTimeout(r, 10)); // the first event's resolution is under way
    await bus.publishLive(liveSubjects.postLiked('p1'), { postId: 'p1', userId: 'u-fast', likeCount: 2 });
    await eventually(async () => (log.length === 2 ? true : undefined));
    expect(log).toEqual(['0:h_u-slow', '0:h_u-fast']);
  });

  it('writes a large group a chunk at a time, letting other work run in between', async () => {
    const count = 2 * WRITE_CHUNK + 500;
    // Work queued while the first frame is written (a query, another group) must not wait for all of them.
    subscribe(count, (i) => {
      if (i === 0) setImmediate(() => log.push('other work'));
    });
    await bus.publishLive(liveSubjects.postLiked('p1'), { postId: 'p1', userId: 'u1', likeCount: 1 });
    await eventually(async () => (log.length === count + 1 ? true : undefined));
    expect(log.indexOf('other work')).toBe(WRITE_CHUNK);
    expect(new Set(log.filter((l) => l !== 'other work')).size).toBe(count); // every subscriber once
  });
});
