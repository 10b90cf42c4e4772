import { createLogger, newId, type RunningService } from '@social/kit';
import { MemoryEventBus, type EventBus, type EventEnvelope } from '@social/events';
import { parseSocialGraphConfig, startSocialGraphService, type SocialGraphConfig } from '../src/server';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { MemoryFollowGraph } from '../src/stores/memory-follow-graph';
import { countingGraph } from '../src/testing/counting-graph';
import { call, type CallOptions } from '../src/testing/http';

/** One started service on port 0 with memory stores, a seeded user directory and a watched bus. */
export interface Harness {
  service: RunningService;
  config: SocialGraphConfig;
  users: MemoryUserDirectory;
  bus: EventBus;
  calls: Record<string, number>;
  events: EventEnvelope[];
  /** Registers `n` new people with the user directory and returns their ids. */
  people(n: number): string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, opts?: CallOptions): ReturnType<typeof call<T>>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { bus?: EventBus } = {}): Promise<Harness> {
  const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const users = new MemoryUserDirectory();
  const bus = opts.bus ?? new MemoryEventBus();
  const { graph, calls } = countingGraph(new MemoryFollowGraph());
  const events: EventEnvelope[] = [];
  const consumer = opts.bus
    ? null
    : await bus.consume({ durable: 'test', subjects: ['user.followed', 'user.unfollowed'], handler: async (e) => void events.push(e) });
  const service = await startSocialGraphService(config, { bus, users, graph, logger: createLogger('social-graph-test', 'silent') });
  return {
    service,
    config,
    users,
    bus,
    calls,
    events,
    people: (n) => {
      const ids = Array.from({ length: n }, () => newId());
      users.add(...ids);
      return ids;
    },
    gql: (query, variables, o) => call(service, config.INTERNAL_AUTH_SECRET, query, variables, o),
    stop: async () => {
      await consumer?.stop();
      await service.stop();
      await graph.close();
    },
  };
}

export const FOLLOW = `mutation($userId: ID!) { follow(userId: $userId) { changed user { id followerCount isFollowing } viewer { id followingCount } } }`;
export const UNFOLLOW = `mutation($userId: ID!) { unfollow(userId: $userId) { changed user { id followerCount isFollowing } viewer { id followingCount } } }`;
export const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id followerCount followingCount isFollowing followsViewer } } }`;
export const reps = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));
