import type { FollowGraph } from '../stores/follow-graph';

/** Wraps a store and counts calls per method, to prove batching and caching (tests only). */
export function counting<T extends object>(inner: T): { store: T; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

export function countingGraph(inner: FollowGraph): { graph: FollowGraph; calls: Record<string, number> } {
  const { store, calls } = counting(inner);
  return { graph: store, calls };
}
