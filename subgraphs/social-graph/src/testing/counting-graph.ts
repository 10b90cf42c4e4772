import type { FollowGraph } from '../stores/follow-graph';

/** Wraps a graph and counts calls per method, to prove DataLoader batching (tests only). */
export function countingGraph(inner: FollowGraph): { graph: FollowGraph; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const graph = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { graph, calls };
}
