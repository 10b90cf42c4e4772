import { z } from 'zod';
import { baseEnvSchema, int, optionalUrl, parseEnv, port, str, type Env } from '@social/kit';
import { DEFAULT_FANOUT_BATCH_SIZE, DEFAULT_FANOUT_SHARDS } from './fanout/fanout-queue';
import { TIMELINE_CAP } from './stores/timeline-store';

/**
 * Days without a visit after which a reader stops receiving pushes. Thirty matches the usual "monthly
 * active" line: most writes to timelines nobody reads are saved, and a returning reader pays one
 * rebuild (a merge of their followees' recent sets, milliseconds) instead.
 */
export const DEFAULT_INACTIVE_AFTER_DAYS = 30;

/**
 * How the home timeline is assembled: "hybrid" (default: pushed Redis timelines, VIP posts pulled at
 * read time), "push-only" (everything pushed, the write-heavy baseline) and "pull" (read followees,
 * then their recent posts, at request time: the read-heavy baseline). All three stay selectable so
 * they can be measured on the same data.
 */
export const TIMELINE_STRATEGIES = ['hybrid', 'push-only', 'pull'] as const;
export type TimelineStrategyName = (typeof TIMELINE_STRATEGIES)[number];

const upstreamUrl = (fallback: string) => z.preprocess((v) => (v === '' ? undefined : v), z.string().url().default(fallback));

const feedEnvSchema = z
  .object({
    PORT: port(4004),
    /** A worker-only process (`npm run worker`) serves /health, /ready and /metrics here (0: any free port). */
    WORKER_PORT: port(4014),
    /** The social-graph subgraph's GraphQL endpoint: where the viewer's followees come from. */
    SOCIAL_GRAPH_URL: upstreamUrl('http://127.0.0.1:4002/graphql'),
    /** The post subgraph's GraphQL endpoint: where the followees' recent post ids come from. */
    POST_URL: upstreamUrl('http://127.0.0.1:4003/graphql'),
    TIMELINE_STRATEGY: z.preprocess((v) => (v === '' ? undefined : v), z.enum(TIMELINE_STRATEGIES).default('hybrid')),
    /** Where timelines live (hybrid, push-only); absent means the in-process memory store. */
    REDIS_URL: optionalUrl,
    REDIS_KEY_PREFIX: str('feed:'),
    /** Absent means an in-process MemoryEventBus and fan-out queue (the embedded default). */
    NATS_URL: optionalUrl,
    /** Followers per fan-out batch (one Redis script call). */
    FANOUT_BATCH_SIZE: int(DEFAULT_FANOUT_BATCH_SIZE, 1),
    /** Shards of the fan-out work queue: the most batches in flight per worker process. */
    FANOUT_SHARDS: int(DEFAULT_FANOUT_SHARDS, 1),
    /** Run the dispatcher and a fan-out worker in this process (more workers: `npm run worker`). */
    FANOUT_IN_PROCESS: z
      .preprocess((v) => (v === '' || v === undefined ? 'true' : v), z.enum(['true', 'false']))
      .transform((v) => v === 'true'),
    /** Posts kept per home timeline (see TIMELINE_CAP in stores/timeline-store.ts for why 800). */
    TIMELINE_CAP: int(TIMELINE_CAP, 1),
    /** Readers who have not visited for this many days get no pushes; their timeline is rebuilt when they return. */
    INACTIVE_AFTER_DAYS: int(DEFAULT_INACTIVE_AFTER_DAYS, 1),
    EVENT_SUBJECT_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('')),
  })
  .and(baseEnvSchema);

export type FeedConfig = z.infer<typeof feedEnvSchema>;

export function parseFeedConfig(env: Env = process.env): FeedConfig {
  return parseEnv(feedEnvSchema, env, 'feed');
}
