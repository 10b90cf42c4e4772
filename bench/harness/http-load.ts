import autocannon from 'autocannon';
import { SampleBuffer, summarize, type LatencySummary } from './stats';
import { cpuMeter } from './processes';

/** One request of a load: the JSON body and any headers beyond content-type. */
export interface LoadRequest {
  body: string;
  headers?: Record<string, string>;
}

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  /** A discarded run first, so JIT, caches and connection pools are warm when measuring starts. */
  warmupSeconds: number;
  /** Called once per request (by all connections in turn): the next body to send. */
  next: () => LoadRequest;
  /** Process trees whose CPU use is recorded during the measured window, by name. */
  cpuGroups?: Record<string, number>;
}

export interface LoadResult {
  durationSeconds: number;
  reqPerSec: number;
  /** Latency of the successful responses. */
  latency: LatencySummary;
  /** Latency of the failed ones (non-2xx or GraphQL errors), when there were any. */
  errorLatency?: LatencySummary;
  ok: number;
  non2xx: number;
  graphqlErrors: number;
  transportErrors: number;
  timeouts: number;
  cpu?: Record<string, number>;
  /** The first error body seen, to explain a non-zero error count. */
  firstError?: string;
}

/**
 * Closed-loop HTTP load with autocannon's programmatic API: `connections` connections each send a
 * request as soon as the previous answer arrived. Latency comes from autocannon's per-response
 * timing (high resolution) and is summarised here, not from its millisecond histogram.
 */
export async function httpLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await once(spec, spec.warmupSeconds, false);
  return once(spec, spec.durationSeconds, true);
}

async function once(spec: LoadSpec, seconds: number, measure: boolean): Promise<LoadResult> {
  const samples = new SampleBuffer();
  const errorSamples = new SampleBuffer();
  let lastFailed = false; // set by onResponse, read by the 'response' event autocannon emits right after it
  let graphqlErrors = 0;
  let firstError: string | undefined;
  const meter = measure && spec.cpuGroups ? cpuMeter(spec.cpuGroups) : undefined;
  let done!: (r: autocannon.Result) => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (failed = reject)));
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (req) => {
            const n = spec.next();
            return { ...req, method: 'POST', body: n.body, headers: { 'content-type': 'application/json', ...n.headers } };
          },
          onResponse: (status, body) => {
            // A GraphQL error comes back with 200; "errors": only appears unescaped as the response's own key.
            lastFailed = status >= 300 || body.includes('"errors":');
            if (status < 300 && lastFailed) {
              graphqlErrors++;
              firstError ??= body.slice(0, 500);
            } else if (status >= 300) firstError ??= `${status} ${body.slice(0, 500)}`;
          },
        },
      ],
    },
    (err, result) => (err ? failed(err) : done(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    (lastFailed ? errorSamples : samples).push(responseTime),
  );
  const result = await finished;
  const cpu = meter?.stop();
  const twoXx = result['2xx'];
  const ok = Math.max(0, twoXx - graphqlErrors);
  return {
    durationSeconds: result.duration,
    reqPerSec: ok / result.duration,
    latency: summarize(samples.values()),
    ...(errorSamples.length ? { errorLatency: summarize(errorSamples.values()) } : {}),
    ok,
    non2xx: result.non2xx,
    graphqlErrors,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    ...(cpu ? { cpu } : {}),
    ...(firstError ? { firstError } : {}),
  };
}

/** Hands out items round-robin, one per call: the same sequence for every target of a run. */
export function roundRobin<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('nothing to send: the request list is empty');
  let i = 0;
  return () => items[i++ % items.length]!;
}
