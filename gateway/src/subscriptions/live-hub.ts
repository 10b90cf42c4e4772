import type { ExecutionResult, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Logger } from '@social/kit';
import { buildEventQuery, type EventQuery, type SelectionPlan } from './event-query';
import type { LiveFanIn } from './fan-in';
import type { LiveSink } from './live-sink';
import type { LiveMetrics } from './live-metrics';
import type { ViewerIdsLookup } from './viewer-ids';
import { ViewerSubjects } from './viewer-subjects';

/** Runs one query through the gateway's executor (query planner and plan cache) as `viewerId`. */
export type LiveQueryExecutor = (
  query: EventQuery,
  variables: Record<string, unknown>,
  viewerId: string | null,
) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly (GraphQLError | GraphQLFormattedError)[] }>;

/** Events resolved in one operation at most; a burst is split into operations of this many. */
export const MAX_EVENTS_PER_QUERY = 16;

/** Subscribers written to in one turn of the event loop (see Group.write). */
export const WRITE_CHUNK = 1_000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Subscribers that receive exactly the same results: same operation, same variables, same viewer.
 * Each event is resolved once per group (not once per subscriber), so ten thousand anonymous clients
 * watching one post cost one resolution per like.
 */
class Group {
  readonly subscribers = new Set<LiveSink>();
  private pending: Record<string, unknown>[] = [];
  /** When the oldest pending event arrived (performance.now()), for the live_event_* histograms. */
  private pendingSince = 0;
  private scheduled = false;
  /** Settles when the latest flush has written its results (flushes write in the order they started). */
  private written: Promise<void> = Promise.resolve();
  private readonly queries = new Map<number, EventQuery>();
  stopListening: () => void = () => {};

  constructor(
    private readonly plan: SelectionPlan,
    private readonly variables: Record<string, unknown>,
    private readonly viewerId: string | null,
    private readonly hub: LiveHub,
  ) {}

  /** Events arriving in the same turn of the event loop are resolved together. */
  enqueue(event: unknown): void {
    if (typeof event !== 'object' || event === null) return;
    this.pending.push(event as Record<string, unknown>);
    if (this.scheduled) return;
    this.scheduled = true;
    this.pendingSince = performance.now();
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const events = this.pending;
    const since = this.pendingSince;
    this.pending = [];
    // Flushes resolve concurrently (a slow fetch does not hold up the next events' fetches), but each
    // writes only after the flush before it has written: subscribers see events in the order they came.
    // Within a flush, batches resolve one after another, so a burst is never more than one query at a time.
    const turn = this.written;
    let done!: () => void;
    this.written = new Promise<void>((resolve) => (done = resolve));
    const field = this.plan.field.name;
    try {
      for (const batch of chunks(events, MAX_EVENTS_PER_QUERY)) {
        let results: ExecutionResult[] = [];
        try {
          results = (await this.resolve(batch)).filter((r): r is ExecutionResult => r !== null);
        } catch (err) {
          this.hub.logger.warn({ err, field }, 'live events could not be resolved; dropped');
        }
        this.hub.observe('resolved', field, since, results.length);
        await turn;
        for (const result of results) {
          await this.write(JSON.stringify(result)); // once for the whole group; GraphQLError serializes as a formatted error
          this.hub.observe('written', field, since, 1);
        }
      }
    } catch (err) {
      this.hub.logger.warn({ err, field }, 'live events could not be delivered');
    } finally {
      done();
    }
  }

  /**
   * One result to every subscriber, WRITE_CHUNK at a time with a turn of the event loop between chunks:
   * a like on a post watched by 10,000 clients takes about 200 ms of socket writes on a small machine,
   * and queries should not wait behind all of it.
   */
  private async write(json: string): Promise<void> {
    const subscribers = this.subscribers.size > WRITE_CHUNK ? [...this.subscribers] : this.subscribers;
    let written = 0;
    for (const s of subscribers) {
      s.deliver(json);
      if (++written % WRITE_CHUNK === 0 && written < this.subscribers.size) await new Promise<void>((r) => setImmediate(r));
    }
    this.hub.delivered(written);
  }

  private async resolve(events: Record<string, unknown>[]): Promise<(ExecutionResult | null)[]> {
    const lookups = this.plan.entries.filter((e) => e.kind === 'lookup');
    let response: Awaited<ReturnType<LiveQueryExecutor>> = { data: {} };
    let query: EventQuery | undefined;
    if (lookups.length > 0) {
      query = this.queries.get(events.length) ?? buildEventQuery(this.plan, events.length, this.hub.schema);
      this.queries.set(events.length, query);
      const variables: Record<string, unknown> = { ...this.variables };
      events.forEach((event, i) => {
        for (const entry of lookups) variables[query!.variableFor(i, entry.responseKey)] = event[entry.lookup.idFrom];
      });
      response = await this.hub.execute(query, variables, this.viewerId);
    }
    return events.map((event, i) => {
      const errors = (response.errors ?? []).flatMap((e) => rebaseError(e, i, this.plan, query));
      const payload: Record<string, unknown> = {};
      for (const entry of this.plan.entries) {
        if (entry.kind === 'copy') {
          payload[entry.responseKey] = entry.fieldName === '__typename' ? this.plan.field.payloadType : (event[entry.fieldName] ?? null);
          continue;
        }
        const value = response.data?.[query!.aliasFor(i, entry.responseKey)] ?? null;
        if (value === null && entry.lookup.required) {
          // A failure (a subgraph error) is reported as a query would report it: the non-null payload
          // is null, with the errors. No error means the entity is not visible to this viewer (deleted,
          // refused): the event is not theirs to see and is not delivered.
          if (errors.length) return { data: null, errors };
          this.hub.logger.debug({ field: this.plan.field.name, entry: entry.responseKey }, 'live event not delivered: entity not visible');
          return null;
        }
        payload[entry.responseKey] = value;
      }
      return errors.length ? { data: { [this.plan.rootKey]: payload }, errors } : { data: { [this.plan.rootKey]: payload } };
    });
  }
}

/** An error of the batched query, moved to where it belongs in event `i`'s result (or dropped if it is another event's). */
function rebaseError(
  error: GraphQLError | GraphQLFormattedError,
  i: number,
  plan: SelectionPlan,
  query: EventQuery | undefined,
): GraphQLError[] {
  // An error without a path (a failed fetch, a timeout) concerns every event of the batch.
  if (!error.path?.length) return [new GraphQLError(error.message, { extensions: error.extensions })];
  const [head, ...rest] = error.path;
  const entry = plan.entries.find((e) => query && head === query.aliasFor(i, e.responseKey));
  if (!entry) return [];
  return [new GraphQLError(error.message, { path: [plan.rootKey, entry.responseKey, ...rest], extensions: error.extensions })];
}

/**
 * Every live subscription of this gateway process: subscribers grouped by what they receive, each
 * group listening to its subject through the fan-in (one bus subscription per subject).
 */
export class LiveHub {
  private readonly groups = new Map<string, Group>();

  constructor(
    readonly schema: GraphQLSchema,
    private readonly fanIn: LiveFanIn,
    readonly execute: LiveQueryExecutor,
    readonly logger: Logger,
    private readonly extras: {
      /** Serves `@liveSubjectsFrom` fields; without it they listen on their own subject only. */
      viewerIds?: { lookup: ViewerIdsLookup; refreshMs: number };
      metrics?: LiveMetrics;
    } = {},
  ) {}

  /** Adds a subscriber; returns the function that removes it (the group and its subject go with the last one). */
  add(
    sink: LiveSink,
    key: { source: string; operationName: string | null; variables: Record<string, unknown>; viewerId: string | null },
    plan: SelectionPlan,
    subject: string,
  ): () => void {
    const groupKey = JSON.stringify([key.source, key.operationName, key.variables, key.viewerId, subject]);
    let group = this.groups.get(groupKey);
    if (!group) {
      const created = new Group(plan, key.variables, key.viewerId, this);
      const stopOwn = this.fanIn.listen(subject, (event) => created.enqueue(event));
      const extra = this.viewerSubjectsOf(plan, key.viewerId, (event) => created.enqueue(event));
      created.stopListening = () => {
        stopOwn();
        extra?.stop();
      };
      extra?.start();
      this.groups.set(groupKey, created);
      group = created;
    }
    const g = group;
    g.subscribers.add(sink);
    return () => {
      if (!g.subscribers.delete(sink) || g.subscribers.size > 0) return;
      g.stopListening();
      if (this.groups.get(groupKey) === g) this.groups.delete(groupKey);
    };
  }

  private viewerSubjectsOf(plan: SelectionPlan, viewerId: string | null, onEvent: (event: unknown) => void): ViewerSubjects | undefined {
    const spec = plan.field.subjectsFrom;
    if (!spec || !viewerId) return undefined;
    if (!this.extras.viewerIds) {
      this.logger.warn({ field: plan.field.name }, 'no lookup for @liveSubjectsFrom: listening on the own subject only');
      return undefined;
    }
    const { lookup, refreshMs } = this.extras.viewerIds;
    return new ViewerSubjects({ spec, viewerId, fanIn: this.fanIn, lookup, onEvent, refreshMs, logger: this.logger });
  }

  /** Counts deliveries for /metrics. */
  delivered(count: number): void {
    this.extras.metrics?.delivered(count);
  }

  /** Records, for `events` events of `field`, the time since they arrived (performance.now() at `since`). */
  observe(stage: 'resolved' | 'written', field: string, since: number, events: number): void {
    const metrics = this.extras.metrics;
    if (!metrics) return;
    const seconds = (performance.now() - since) / 1000;
    for (let i = 0; i < events; i++) metrics[stage](field, seconds);
  }

  /** Groups alive now (metrics, tests). */
  get groupCount(): number {
    return this.groups.size;
  }
}
