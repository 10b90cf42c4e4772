/** The peer gateways' settings: the same variables our gateway reads, plus WORKERS (processes). */
export interface PeerConfig {
  port: number;
  supergraphPath: string;
  internalAuthSecret: string;
  workers: number;
  /** Routing URL overrides from SUBGRAPH_URL_<NAME>, by subgraph name ("social-graph" for SUBGRAPH_URL_SOCIAL_GRAPH). */
  subgraphUrls: Record<string, string>;
}

export function parsePeerConfig(env: NodeJS.ProcessEnv = process.env): PeerConfig {
  const required = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} must be set`);
    return v;
  };
  const subgraphUrls: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('SUBGRAPH_URL_') && v) subgraphUrls[k.slice('SUBGRAPH_URL_'.length).toLowerCase().replace(/_/g, '-')] = v;
  }
  return {
    port: Number(required('PORT')),
    supergraphPath: required('SUPERGRAPH_PATH'),
    internalAuthSecret: required('INTERNAL_AUTH_SECRET'),
    workers: Number(env['WORKERS'] ?? '1'),
    subgraphUrls,
  };
}
