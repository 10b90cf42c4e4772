import { createLogger, InternalSigner, INTERNAL_AUTH_HEADER, newId, type Logger } from '@social/kit';
import { MemoryEventBus, MemoryLiveBus, type EventBus } from '@social/events';
import { MemoryUserDirectory } from '../src/mentions/user-directory';
import { parsePostConfig, startPostService, type PostRunningService } from '../src/server';
import { MemoryCommentStore } from '../src/stores/memory-comment-store';
import { MemoryCounterStore } from '../src/stores/memory-counter-store';
import { MemoryLikeStore } from '../src/stores/memory-like-store';
import { MemoryPostStore } from '../src/stores/memory-post-store';
import type { FlushHooks } from '../src/workers/counter-flusher';

export const SECRET = 'post-test-internal-secret-0123456789abcdef';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export interface Harness {
  service: PostRunningService;
  /** The memory post store the service uses (a fresh unused one when `env` picks a real store). */
  store: MemoryPostStore;
  likes: MemoryLikeStore;
  comments: MemoryCommentStore;
  counters: MemoryCounterStore;
  bus: EventBus;
  live: MemoryLiveBus;
  /** Who exists, for @mentions: add people with `users.add(handle, id)`. */
  users: MemoryUserDirectory;
  logger: Logger;
  /** Sends a request signed as the gateway for `viewerId` (null: signed out). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, viewerId?: string | null): Promise<GqlResult<T>>;
  /** Sends a request with exactly these headers (none, a forged signature...). */
  raw<T = any>(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  bus?: EventBus;
  /** Real stores by URL (then the service builds them from config, as in production). */
  env?: Record<string, string>;
  flushHooks?: FlushHooks;
}

/**
 * The post service on port 0, as the gateway would reach it: memory stores, unless `env` names a real
 * one. Timers are off (flush, relay, reconcile run when a test calls `service.workers`).
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const stores = {
    posts: new MemoryPostStore(),
    likes: new MemoryLikeStore(),
    comments: new MemoryCommentStore(),
    counters: new MemoryCounterStore(),
  };
  const bus = opts.bus ?? new MemoryEventBus();
  const live = new MemoryLiveBus();
  const users = new MemoryUserDirectory();
  const logger = createLogger('post-test', 'silent');
  const config = testConfig(opts.env);
  const injected = {
    ...(config.MONGODB_URI ? {} : { posts: stores.posts, likes: stores.likes, comments: stores.comments }),
    ...(config.REDIS_URL || config.COUNTER_STORE === 'direct' ? {} : { counters: stores.counters }),
  };
  const service = await startPostService(config, { bus, live, users, logger, stores: injected, flushHooks: opts.flushHooks });
  return {
    service,
    store: stores.posts,
    likes: stores.likes,
    comments: stores.comments,
    counters: stores.counters,
    bus,
    live,
    users,
    logger,
    ...clientFor(service),
    stop: async () => {
      await service.stop();
      await bus.close();
      await live.close();
    },
  };
}

/** Talks to a started service over HTTP, signing as the gateway. */
export function clientFor(service: { url: string }): Pick<Harness, 'gql' | 'raw'> {
  const signer = new InternalSigner(SECRET, 'gateway');
  const raw = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
  return {
    raw,
    gql: async (query, variables = {}, viewerId = null) => raw(query, variables, { [INTERNAL_AUTH_HEADER]: await signer.sign(viewerId) }),
  };
}

/** Test config: background timers off unless `env` turns them on. */
export const testConfig = (env: Record<string, string> = {}) =>
  parsePostConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_AUTH_SECRET: SECRET,
    FLUSH_INTERVAL_MS: '0',
    OUTBOX_RELAY_INTERVAL_MS: '0',
    RECONCILE_INTERVAL_MS: '0',
    ...env,
  });

export const codes = (r: GqlResult) => (r.errors ?? []).map((e) => e.extensions?.code);
export const userId = () => newId();

export const CREATE = `mutation($text: String!) { createPost(text: $text) { id text createdAt author { id } } }`;
export const DELETE = `mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }`;
export const POST = `query($id: ID!) { post(id: $id) { id text createdAt author { id } } }`;
export const USER_POSTS = `query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) { ... on User { id posts(first: $first, after: $after) {
    edges { cursor node { id text } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }
}`;
export const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Post { id text createdAt author { id } } } }`;
export const RECENT = `query($a: [ID!]!, $n: Int!, $b: ID) { _recentPostIds(authorIds: $a, first: $n, before: $b) }`;

export const LIKE = `mutation($p: ID!) { likePost(postId: $p) { id likeCount viewerHasLiked } }`;
export const UNLIKE = `mutation($p: ID!) { unlikePost(postId: $p) { id likeCount viewerHasLiked } }`;
export const COMMENT = `mutation($p: ID!, $t: String!) { addComment(postId: $p, text: $t) { id text createdAt author { id } post { id commentCount } mentions { id } } }`;
export const DELETE_COMMENT = `mutation($c: ID!) { deleteComment(commentId: $c) { deletedCommentId post { id commentCount } } }`;
export const VIEW = `mutation($ids: [ID!]!) { recordView(postIds: $ids) }`;
export const COUNTS = `query($id: ID!) { post(id: $id) { likeCount commentCount viewCount viewerHasLiked mentions { id } } }`;

/** Creates posts as `authorId` one after another; returns their ids oldest first. */
export async function createPosts(h: Pick<Harness, 'gql'>, authorId: string, n: number, prefix = 'post'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await h.gql(CREATE, { text: `${prefix} ${i}` }, authorId);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    ids.push(r.data.createPost.id);
  }
  return ids;
}
