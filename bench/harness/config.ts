/**
 * The harness's reads of its own environment, in one place (the project's rule: configuration is read in
 * config.ts). The harness passes its environment on to the processes it starts, and finds the real
 * servers in MONGODB_URI, NEO4J_URI, REDIS_URL and NATS_URL.
 */
export function harnessEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** The stack host's JSON configuration, handed over by the harness in BENCH_STACK. */
export function stackHostConfigJson(): string {
  return process.env['BENCH_STACK'] ?? '{}';
}

/**
 * A gateway under load serves load from a handful of sampled viewers on one address: per-viewer and per-IP rate
 * limits would measure the limiter, not the path under test (edge-cost measures the limits on their own).
 */
export const UNLIMITED_GATEWAY = { RATE_LIMIT_PER_USER: '0', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_API_KEY: '0' };
