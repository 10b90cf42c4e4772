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
