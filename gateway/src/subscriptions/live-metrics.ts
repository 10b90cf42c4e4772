import { Counter, Gauge, type Registry } from '@social/kit';

/** Why the gateway closed a live connection (or refused it), as a metric label. */
export type LiveDisconnectReason = 'slow_consumer' | 'token_expired' | 'invalid_token' | 'too_many_connections';

/**
 * The live server's numbers at /metrics: what is open now (read from the server when scraped) and
 * counters of deliveries and of connections the gateway closed, by reason.
 */
export class LiveMetrics {
  private readonly deliveries: Counter;
  private readonly disconnects: Counter<'reason'>;

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
  }

  delivered(count: number): void {
    this.deliveries.inc(count);
  }

  disconnected(reason: LiveDisconnectReason): void {
    this.disconnects.inc({ reason });
  }
}
