import { createLogger, InternalSigner, INTERNAL_AUTH_HEADER, newId, type Logger, type RunningService } from '@social/kit';
import { MemoryEventBus, type EventBus } from '@social/events';
import { parsePostConfig, startPostService } from '../src/server';
import { MemoryPostStore } from '../src/stores/memory-post-store';

export const SECRET = 'post-test-internal-secret-0123456789abcdef';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export interface Harness {
  service: RunningService;
  /** The memory store the service uses (a fresh unused one when `env` picks a real store). */
  store: MemoryPostStore;
  bus: EventBus;
  logger: Logger;
  /** Sends a request signed as the gateway for `viewerId` (null: signed out). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, viewerId?: string | null): Promise<GqlResult<T>>;
  /** Sends a request with exactly these headers (none, a forged signature...). */
  raw<T = any>(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

/**
 * The post service on port 0, as the gateway would reach it: memory stores, unless `env` names a real
 * one (then the service builds it from config, as in production).
 */
export async function startHarness(opts: { bus?: EventBus; env?: Record<string, string> } = {}): Promise<Harness> {
  const store = new MemoryPostStore();
  const bus = opts.bus ?? new MemoryEventBus();
  const logger = createLogger('post-test', 'silent');
  const config = testConfig(opts.env);
  const service = await startPostService(config, { bus, logger, ...(opts.env ? {} : { store }) });
  return {
    service,
    store,
    bus,
    logger,
    ...clientFor(service),
    stop: async () => {
      await service.stop();
      await bus.close();
    },
  };
}

/** Talks to a started service over HTTP, signing as the gateway. */
export function clientFor(service: RunningService): Pick<Harness, 'gql' | 'raw'> {
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

export const testConfig = (env: Record<string, string> = {}) =>
  parsePostConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', INTERNAL_AUTH_SECRET: SECRET, ...env });

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

/** Creates posts as `authorId` one after another; returns their ids oldest first. */
export async function createPosts(h: Harness, authorId: string, n: number, prefix = 'post'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await h.gql(CREATE, { text: `${prefix} ${i}` }, authorId);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    ids.push(r.data.createPost.id);
  }
  return ids;
}
