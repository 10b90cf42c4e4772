import cluster from 'node:cluster';
import os from 'node:os';
import type { Logger, RunningService } from '@social/kit';

/** GATEWAY_WORKERS: 0 means one worker per core; 1 means no cluster at all (one plain process). */
export function workerCount(configured: number, cores = os.availableParallelism()): number {
  return configured === 0 ? Math.max(1, cores) : configured;
}

/** A worker that dies this many times within RESTART_WINDOW_MS means a crash loop: give up instead of spinning. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * The primary of a gateway cluster: forks `count` workers that share the listening port (Node's
 * cluster module; on Linux the primary accepts connections and hands them to workers in turn), replaces
 * a worker that dies unexpectedly, and on SIGTERM/SIGINT tells every worker to drain, waiting up to
 * `timeoutMs` before killing the rest. It serves no requests itself.
 */
export function runPrimary(count: number, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const restarts: number[] = [];

  const listening = new Set<number>(); // worker ids serving requests
  const fork = () => cluster.fork();
  cluster.on('listening', (worker) => listening.add(worker.id));
  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, 'gateway cluster started');

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('gateway cluster stopped');
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      logger.fatal({ code, signal }, `gateway workers keep dying (${restarts.length} in ${RESTART_WINDOW_MS / 1000} s); stopping`);
      stop(1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died; starting another');
    fork();
  });

  const stop = (exitCode = 0) => {
    if (stopping) {
      // A second signal: do not wait any longer.
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    logger.info('gateway cluster draining');
    // Serving workers drain; one still starting has nothing to drain (and may not listen for messages yet).
    for (const w of Object.values(cluster.workers ?? {})) {
      if (w && listening.has(w.id)) w.send({ cmd: 'shutdown' });
      else w?.process.kill('SIGKILL');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    setTimeout(() => {
      logger.error('gateway workers did not stop in time; killing them');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.on('SIGTERM', () => stop());
  process.on('SIGINT', () => stop());
}

/**
 * A worker: starts the gateway and stops when its primary says so (or goes away), once, draining like a
 * single process would, then exits. The shutdown listener is in place before the gateway starts, so a
 * shutdown asked for during start-up is not lost. Signals are the primary's business: a terminal's
 * Ctrl-C reaches every process of the group, and the workers must not race the primary's orderly stop.
 */
export async function runWorker(start: () => Promise<RunningService>, logger: Logger, timeoutMs: number): Promise<void> {
  // eslint-disable-next-line prefer-const -- assigned after the handlers that read it are registered
  let service: RunningService | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping || !service) {
      stopping = true; // a shutdown during start-up is carried out once the gateway is up
      return;
    }
    stopping = true;
    setTimeout(() => {
      logger.error('gateway worker did not drain in time; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'gateway worker failed to stop');
        process.exit(1);
      },
    );
  };
  process.on('message', (msg: { cmd?: string }) => msg?.cmd === 'shutdown' && stop());
  process.on('disconnect', stop);
  process.on('SIGTERM', () => {}); // handled by the primary (see above)
  process.on('SIGINT', () => {});
  service = await start();
  if (stopping) {
    stopping = false;
    stop();
  }
}
