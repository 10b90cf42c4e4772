import type { ConsumeOptions, Consumer, EventBus, EventEnvelope, EventPayload, PublishOptions, Subject } from '@social/events';

/** A bus whose publishes fail while `down` is true (tests of the outbox relay only). */
export class FlakyBus implements EventBus {
  down = false;
  attempts = 0;

  constructor(readonly inner: EventBus) {}

  async publish<S extends Subject>(subject: S, data: EventPayload<S>, opts?: PublishOptions): Promise<EventEnvelope<S>> {
    this.attempts++;
    if (this.down) throw new Error('bus down');
    return this.inner.publish(subject, data, opts);
  }

  consume(opts: ConsumeOptions): Promise<Consumer> {
    return this.inner.consume(opts);
  }

  ping(): Promise<void> {
    return this.down ? Promise.reject(new Error('bus down')) : this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
