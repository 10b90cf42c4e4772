import type { Logger } from '@social/kit';

export interface Periodic<T> {
  /** Runs the job now (after a run in progress); resolves with its result or rejects with its error. */
  runNow(): Promise<T>;
  /** No more runs; waits for the one in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `job` every `intervalMs` (never two at once), logging failures instead of dying: a worker
 * inside the service must outlive a database hiccup. `intervalMs` 0 disables the timer.
 */
export function periodic<T>(name: string, intervalMs: number, job: () => Promise<T>, logger: Logger): Periodic<T> {
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const runNow = (): Promise<T> => {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  };

  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      runNow()
        .catch((err: unknown) => logger.warn({ err, worker: name }, 'worker run failed; retrying next interval'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await queue;
    },
  };
}
