import type { Logger } from '@social/kit';
import type { OutboxDispatcher } from '../outbox/dispatcher';
import type { OutboxSource } from '../outbox/outbox';

export const RELAY_BATCH = 100; // documents per source per pass: bounded work, and a backlog drains in a few passes

export interface RelayOptions {
  /** Items younger than this are left to the request that wrote them (it is probably delivering them now). */
  staleMs: number;
  logger: Logger;
}

/**
 * Re-delivers what a crash or an outage left in outboxes: finds documents whose items are older than
 * `staleMs` and still pending, finishes their change if it was interrupted, and runs their effects.
 * Every instance may run it at once: effects are idempotent (event ids, counter dedupe ids).
 * Returns how many documents it re-delivered.
 */
export async function relayOnce(sources: OutboxSource[], dispatcher: OutboxDispatcher, opts: RelayOptions): Promise<number> {
  let delivered = 0;
  for (const source of sources) {
    const docs = await source.pending(new Date(Date.now() - opts.staleMs), RELAY_BATCH);
    for (const doc of docs) {
      try {
        await dispatcher.redeliver(source, doc);
        delivered++;
      } catch (err) {
        opts.logger.warn({ err, source: source.name, doc: doc.id }, 'outbox re-delivery failed; will retry');
      }
    }
  }
  if (delivered) opts.logger.info({ delivered }, 'outbox relay re-delivered pending effects');
  return delivered;
}
