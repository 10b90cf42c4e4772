import type { Logger } from '@social/kit';

export interface Periodic {
  /** Runs the task now (after any run in progress) and returns its outcome. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` (0 = never on its own), one run at a time: the next run is scheduled
 * when the previous one ends, so a slow run never overlaps the next. Failures are logged; the timer
 * does not keep the process alive.
 */
export function periodic(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger, runAtStart = false): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;

  const run = (): Promise<void> => {
    current = current.then(async () => {
      if (stopped) return;
      try {
        await task();
      } catch (err) {
        logger.warn({ err }, `${name} failed`);
      }
    });
    return current;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => void run().then(schedule), intervalMs);
    timer.unref();
  };

  if (runAtStart) void run().then(schedule);
  else schedule();

  return {
    runNow: run,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
