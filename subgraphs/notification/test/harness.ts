import { createLogger, InternalSigner, INTERNAL_AUTH_HEADER } from '@social/kit';
import { MemoryEventBus, MemoryLiveBus, type EventBus } from '@social/events';
import { parseNotificationConfig, startNotificationService, type NotificationRunningService } from '../src/server';
import { MemoryNotificationStore } from '../src/stores/memory-notification-store';
import type { NotificationStore } from '../src/stores/notification-store';

export const SECRET = 'notification-test-internal-secret-0123456789';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export interface Harness {
  service: NotificationRunningService;
  bus: EventBus;
  live: MemoryLiveBus;
  store: NotificationStore;
  /** Sends a request signed as the gateway for `viewerId` (null: signed out). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, viewerId?: string | null): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  bus?: EventBus;
  store?: NotificationStore;
  env?: Record<string, string>;
}

/** The notification service on port 0 with memory store and bus unless given; retention timer off. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const bus = opts.bus ?? new MemoryEventBus({ retryDelayMs: 10 });
  const live = new MemoryLiveBus();
  const store = opts.store ?? new MemoryNotificationStore();
  const config = parseNotificationConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_AUTH_SECRET: SECRET,
    RETENTION_INTERVAL_MS: '0',
    ...opts.env,
  });
  const service = await startNotificationService(config, { bus, live, store, logger: createLogger('notification-test', 'silent') });
  const signer = new InternalSigner(SECRET, 'gateway');
  return {
    service,
    bus,
    live,
    store,
    gql: async (query, variables = {}, viewerId = null) => {
      const res = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_AUTH_HEADER]: await signer.sign(viewerId) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, ...((await res.json()) as object) };
    },
    stop: async () => {
      await service.stop();
      if (!opts.bus) await bus.close();
      await live.close();
    },
  };
}

export const codes = (r: GqlResult) => (r.errors ?? []).map((e) => e.extensions?.code);

export const NOTIFICATIONS = `query($first: Int, $after: String) { notifications(first: $first, after: $after) {
  edges { cursor node { id kind actors { id } actorCount post { id } commentId createdAt updatedAt read } }
  pageInfo { hasNextPage endCursor } } }`;
export const UNREAD = `{ unreadNotificationCount }`;
export const MARK_READ = `mutation($upTo: ID!) { markNotificationsRead(upTo: $upTo) }`;
