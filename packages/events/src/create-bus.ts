import type { Logger } from '@social/kit';
import type { EventBus } from './bus';
import { JetStreamEventBus } from './jetstream-bus';
import { MemoryEventBus } from './memory-bus';

export interface CreateEventBusOptions {
  /** NATS server URL(s), comma-separated; unset means the in-process bus (embedded default). */
  natsUrl?: string;
  subjectPrefix?: string;
  logger: Logger;
  /** Connection name shown in the NATS server's monitoring, e.g. the service name. */
  name?: string;
  retryDelayMs?: number;
}

/**
 * The bus a process uses: JetStream when NATS_URL is configured, otherwise the in-process bus (which
 * only works when publishers and consumers share the process, as in the embedded default).
 */
export async function createEventBus(opts: CreateEventBusOptions): Promise<EventBus> {
  if (!opts.natsUrl) {
    opts.logger.info('event bus: in-process (no NATS_URL)');
    return new MemoryEventBus({ retryDelayMs: opts.retryDelayMs });
  }
  const bus = await JetStreamEventBus.connect({
    servers: opts.natsUrl,
    subjectPrefix: opts.subjectPrefix,
    logger: opts.logger,
    name: opts.name,
    retryDelayMs: opts.retryDelayMs,
  });
  opts.logger.info({ stream: bus.streamName }, 'event bus: NATS JetStream');
  return bus;
}
