import { serviceUnavailable } from '@social/kit';

/** 'slow' hangs for ever; a number delays every call by that many ms. */
export type Mode = 'up' | 'down' | 'slow' | number;

/**
 * Wraps a store so a test can take it down (every call fails like an unreachable Neo4j) or make it
 * slow (every call hangs) and bring it back, without a server (tests only).
 */
export function switchable<T extends object>(inner: T): { store: T; set(mode: Mode): void } {
  let mode: Mode = 'up';
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (mode === 'down')
          return Promise.reject(serviceUnavailable('The social graph is not reachable right now. Please try again shortly.'));
        if (mode === 'slow') return new Promise(() => undefined);
        const call = () => (value as (...a: unknown[]) => unknown).apply(target, args);
        if (typeof mode === 'number') return new Promise((r) => setTimeout(r, mode as number)).then(call);
        return call();
      };
    },
  });
  return { store, set: (m) => void (mode = m) };
}
