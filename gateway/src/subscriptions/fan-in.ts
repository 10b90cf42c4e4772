import type { LiveSubscriber, LiveSubscription } from '@social/events';

type Listener = (payload: unknown) => void;

/**
 * One bus subscription per subject per gateway process, however many clients want it: the first
 * listener subscribes, the last one to leave unsubscribes. Every listener of a subject gets each event.
 */
export class LiveFanIn {
  private readonly subjects = new Map<string, { sub: LiveSubscription; listeners: Set<Listener> }>();

  constructor(private readonly bus: LiveSubscriber) {}

  /** Returns the function that removes this listener. */
  listen(subject: string, listener: Listener): () => void {
    let entry = this.subjects.get(subject);
    if (!entry) {
      const listeners = new Set<Listener>();
      const sub = this.bus.subscribeLive(subject, (payload) => {
        for (const l of listeners) l(payload);
      });
      entry = { sub, listeners };
      this.subjects.set(subject, entry);
    }
    const { listeners } = entry;
    listeners.add(listener);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      const current = this.subjects.get(subject);
      if (current?.listeners === listeners) {
        this.subjects.delete(subject);
        current.sub.unsubscribe();
      }
    };
  }

  /** How many subjects this process is subscribed to on the bus (metrics, tests). */
  get subjectCount(): number {
    return this.subjects.size;
  }
}
