import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from '@social/kit';

/** Why the gateway closed a live connection (or refused it), as a metric label. */
export type LiveDisconnectReason = 'slow_consumer' | 'token_expired' | 'invalid_token' | 'too_many_connections';

/**
 * The live server's numbers at /metrics: what is open now (read from the server when scraped) and
 * counters of deliveries and of connections the gateway closed, by reason.
 */
export class LiveMetrics {
  private readonly deliveries: Counter;
  private readonly disconnects: Counter<'reason'>;
  private readonly resolveSeconds: Histogram<'field'>;
  private readonly deliverSeconds: Histogram<'field'>;

  constructor(registry: Registry | undefined, now: () => { connections: number; groups: number; subjects: number }) {
    const registers = registry ? [registry] : [];
    const gauge = (name: string, help: string, read: (s: ReturnType<typeof now>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(now()));
        },
      });
    gauge('live_connections', 'Open graphql-ws connections.', (s) => s.connections);
    gauge('live_groups', 'Groups of subscribers receiving the same results (one resolution per event per group).', (s) => s.groups);
    gauge('live_subjects', 'Live-bus (NATS) subjects this process is subscribed to.', (s) => s.subjects);
    this.deliveries = new Counter({
      name: 'live_deliveries_total',
      help: 'Events delivered to subscribers (one per subscriber).',
      registers,
    });
    this.disconnects = new Counter({
      name: 'live_disconnects_total',
      help: 'Connections the gateway closed or refused: slow_consumer (4008), token_expired/invalid_token (4401), too_many_connections (4029).',
      labelNames: ['reason'],
      registers,
    });
    // From the moment an event reached this process: how long its payload took to resolve (the batching
    // turn and the entity fetches), and how long until the group's last subscriber had its frame handed
    // to the kernel. The second minus the first is the cost of the writes, which grows with the group.
    const histogram = (name: string, help: string) =>
      new Histogram({ name, help, labelNames: ['field'], buckets: LATENCY_BUCKETS, registers });
    this.resolveSeconds = histogram(
      'live_event_resolve_seconds',
      'From a live event reaching this process to its payload being resolved for one group of subscribers.',
    );
    this.deliverSeconds = histogram(
      'live_event_delivery_seconds',
      "From a live event reaching this process to the frame of the group's last subscriber being written to its socket.",
    );
  }

  delivered(count: number): void {
    this.deliveries.inc(count);
  }

  /** One event resolved for a group (`field` is the subscription field: the schema bounds the label). */
  resolved(field: string, seconds: number): void {
    this.resolveSeconds.observe({ field }, seconds);
  }

  /** One event written to every subscriber of a group. */
  written(field: string, seconds: number): void {
    this.deliverSeconds.observe({ field }, seconds);
  }

  disconnected(reason: LiveDisconnectReason): void {
    this.disconnects.inc({ reason });
  }
}
