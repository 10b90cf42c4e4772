import { createLogger, newId, type RunningService } from '@social/kit';
import { MemoryEventBus, type EventBus, type EventEnvelope } from '@social/events';
import { parseSocialGraphConfig, startSocialGraphService, type Runtime, type SocialGraphConfig } from '../src/server';
import { MemoryUserDirectory } from '../src/users/memory-user-directory';
import { memoryGraphStores, type GraphStores } from '../src/stores/graph-stores';
import type { MemoryFollowGraph } from '../src/stores/memory-follow-graph';
import { MemoryRelationshipCache } from '../src/stores/memory-relationship-cache';
import { MemorySuggestionStore } from '../src/stores/memory-suggestion-store';
import { counting, countingGraph } from '../src/testing/counting-graph';
import { call, type CallOptions } from '../src/testing/http';

/** One started service on port 0 with memory stores, a seeded user directory and a watched bus. */
export interface Harness {
  service: RunningService;
  config: SocialGraphConfig;
  users: MemoryUserDirectory;
  bus: EventBus;
  memory: MemoryFollowGraph;
  stores: GraphStores;
  cache: MemoryRelationshipCache;
  suggestionStore: MemorySuggestionStore;
  runtime: Runtime;
  calls: Record<string, number>;
  /** Calls per DiscoveryGraph method. */
  discoveryCalls: Record<string, number>;
  events: EventEnvelope[];
  /** Registers `n` new people with the user directory and returns their ids. */
  people(n: number): string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, opts?: CallOptions): ReturnType<typeof call<T>>;
  /** Publishes every event committed so far (consumers receive them asynchronously: use eventually). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  bus?: EventBus;
  env?: Record<string, string>;
  /** Replaces parts of the memory graph stores (e.g. a failing discovery graph). */
  stores?: (memory: GraphStores) => Partial<GraphStores>;
}

export const SUBJECTS = ['user.followed', 'user.unfollowed', 'user.blocked', 'user.unblocked', 'user.vip-changed'] as const;

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const config = parseSocialGraphConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...opts.env });
  const users = new MemoryUserDirectory();
  const bus = opts.bus ?? new MemoryEventBus();
  const base = memoryGraphStores({ vipThreshold: config.VIP_THRESHOLD });
  const { graph: follows, calls } = countingGraph(base.follows);
  const replaced = opts.stores?.(base) ?? {};
  const { store: discovery, calls: discoveryCalls } = counting(replaced.discovery ?? base.discovery);
  const stores: GraphStores = { ...base, follows, ...replaced, discovery };
  const cache = new MemoryRelationshipCache({ ttlMs: config.CACHE_TTL_MS });
  const suggestionStore = new MemorySuggestionStore({ keepMs: 3600_000 });
  const events: EventEnvelope[] = [];
  const consumer = opts.bus
    ? null
    : await bus.consume({ durable: 'test', subjects: [...SUBJECTS], handler: async (e) => void events.push(e) });
  let runtime!: Runtime;
  const service = await startSocialGraphService(config, {
    bus,
    users,
    graph: stores,
    cache,
    suggestionStore,
    logger: createLogger('social-graph-test', 'silent'),
    onRuntime: (r) => (runtime = r),
  });
  return {
    service,
    config,
    users,
    bus,
    memory: base.memory,
    stores,
    cache,
    suggestionStore,
    runtime,
    calls,
    discoveryCalls,
    events,
    people: (n) => {
      const ids = Array.from({ length: n }, () => newId());
      users.add(...ids);
      return ids;
    },
    gql: (query, variables, o) => call(service, config.INTERNAL_AUTH_SECRET, query, variables, o),
    settled: async () => {
      await runtime.relay.drain();
    },
    stop: async () => {
      await consumer?.stop();
      await service.stop();
      await base.close();
    },
  };
}

export const FOLLOW = `mutation($userId: ID!) { follow(userId: $userId) { changed user { id followerCount isFollowing } viewer { id followingCount } } }`;
export const UNFOLLOW = `mutation($userId: ID!) { unfollow(userId: $userId) { changed user { id followerCount isFollowing } viewer { id followingCount } } }`;
export const BLOCK = `mutation($userId: ID!) { block(userId: $userId) { changed user { id blockedByViewer followerCount } viewer { id followingCount followerCount } } }`;
export const UNBLOCK = `mutation($userId: ID!) { unblock(userId: $userId) { changed user { id blockedByViewer } } }`;
export const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id followerCount followingCount isFollowing followsViewer } } }`;
export const reps = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));
export const SUGGESTIONS = `query($first: Int, $after: String) {
  suggestions(first: $first, after: $after) {
    edges { cursor node { id } reason { kind count sample { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    computedAt
  }
}`;
