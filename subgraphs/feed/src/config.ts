import { z } from 'zod';
import { baseEnvSchema, optionalUrl, parseEnv, port, str, type Env } from '@social/kit';

/**
 * How the home timeline is assembled. Only "pull" exists today (read followees, then their recent
 * posts, at request time); "hybrid" (pushed Redis timelines with pull for celebrities) joins this enum
 * when it lands, and the pull strategy stays selectable as the baseline it is measured against.
 */
export const TIMELINE_STRATEGIES = ['pull'] as const;
export type TimelineStrategyName = (typeof TIMELINE_STRATEGIES)[number];

const upstreamUrl = (fallback: string) => z.preprocess((v) => (v === '' ? undefined : v), z.string().url().default(fallback));

const feedEnvSchema = z
  .object({
    PORT: port(4004),
    /** The social-graph subgraph's GraphQL endpoint: where the viewer's followees come from. */
    SOCIAL_GRAPH_URL: upstreamUrl('http://127.0.0.1:4002/graphql'),
    /** The post subgraph's GraphQL endpoint: where the followees' recent post ids come from. */
    POST_URL: upstreamUrl('http://127.0.0.1:4003/graphql'),
    TIMELINE_STRATEGY: z.preprocess((v) => (v === '' ? undefined : v), z.enum(TIMELINE_STRATEGIES).default('pull')),
    /** Accepted now, used by the hybrid feed (stored timelines); absent means the memory store then. */
    REDIS_URL: optionalUrl,
    REDIS_KEY_PREFIX: str('feed:'),
    /** Absent means an in-process MemoryEventBus. The pull strategy consumes no events yet. */
    NATS_URL: optionalUrl,
    EVENT_SUBJECT_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('')),
  })
  .and(baseEnvSchema);

export type FeedConfig = z.infer<typeof feedEnvSchema>;

export function parseFeedConfig(env: Env = process.env): FeedConfig {
  return parseEnv(feedEnvSchema, env, 'feed');
}
