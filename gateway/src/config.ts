import path from 'node:path';
import { z } from 'zod';
import { int, parseEnv, port, serviceEnvSchema, type Env } from '@social/kit';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';

const gatewayEnvSchema = serviceEnvSchema(
  {
    PORT: port(4000),
    SUPERGRAPH_PATH: z.string().default(path.join(REPO_ROOT, 'supergraph.graphql')),
    INTROSPECTION: z.enum(['true', 'false']).optional(),
    /** Gateway processes sharing the port (Node cluster): 1 = a single process (default), 0 = one per core. */
    GATEWAY_WORKERS: int(1, 0),
  },
  ['ACCESS_TOKEN_SECRET'],
).transform((env) => ({
  ...env,
  // Introspection helps developers and hands attackers a map; off in production unless asked for.
  INTROSPECTION: env.INTROSPECTION ? env.INTROSPECTION === 'true' : env.NODE_ENV !== 'production',
}));

export type GatewayConfig = z.infer<typeof gatewayEnvSchema> & {
  /** Routing URL overrides by subgraph name (SUBGRAPH_URL_SOCIAL_GRAPH=... overrides "social-graph"). */
  subgraphUrls: Record<string, string>;
};

export function parseGatewayConfig(env: Env = process.env): GatewayConfig {
  const config = parseEnv(gatewayEnvSchema, env, 'gateway');
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(SUBGRAPH_URL_PREFIX) || !value) continue;
    const name = key.slice(SUBGRAPH_URL_PREFIX.length).toLowerCase().replace(/_/g, '-');
    if (!z.string().url().safeParse(value).success) throw new Error(`Invalid configuration for gateway:\n  - ${key}: must be a URL`);
    subgraphUrls[name] = value;
  }
  return { ...config, subgraphUrls };
}
