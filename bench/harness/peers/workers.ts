import cluster from 'node:cluster';

/**
 * Runs `start` in `count` processes sharing one port (Node cluster), or in this process when count is
 * 1, so a peer gateway runs with exactly as many processes as ours in the same run.
 */
export function runWorkers(count: number, start: () => Promise<void>): void {
  const fail = (err: unknown) => {
    process.send?.({ type: 'failed', error: (err as Error).stack ?? String(err) });
    console.error(err);
    process.exit(1);
  };
  if (count <= 1 || cluster.isWorker) {
    start().catch(fail);
    if (cluster.isWorker) process.on('SIGINT', () => {}); // the primary decides when workers stop
    return;
  }
  for (let i = 0; i < count; i++) cluster.fork();
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}
