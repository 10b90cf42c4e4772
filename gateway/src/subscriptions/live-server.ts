import type http from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Context } from 'graphql-ws';
import { isAppError, type AccessTokens, type Logger, type Registry } from '@social/kit';
import type { LiveSubscriber } from '@social/events';
import { BoundedCache } from '../bounded-cache';
import { LiveCloseCode } from './close-codes';
import { LiveFanIn } from './fan-in';
import { LiveHub, type LiveQueryExecutor } from './live-hub';
import { LiveMetrics } from './live-metrics';
import { LiveSink, type LiveSocket } from './live-sink';
import { readLiveFields } from './live-schema';
import { planSelection } from './selection-plan';
import { renderSubject } from './subject';
import type { SelectionPlan } from './event-query';
import type { ViewerIdsLookup } from './viewer-ids';
import { sha256Hex } from '../persisted-queries/manifest';
import { CLIENT_NAME_HEADER, PERSISTED_QUERY_NOT_FOUND, safelistRefusal, type SafelistOptions } from '../persisted-queries/safelist';

/** Distinct subscription documents kept parsed and validated. */
const MAX_CACHED_DOCUMENTS = 1_000;

export interface LiveLimits {
  /** Open connections per gateway process. */
  maxConnections: number;
  /** Open connections per signed-in user (anonymous connections count only towards the process limit). */
  maxConnectionsPerUser: number;
  /** Active subscriptions per connection. */
  maxSubscriptionsPerConnection: number;
  /** Events not yet taken by the kernel per subscription before the client is disconnected as a slow consumer. */
  maxQueuedEvents: number;
}

export interface LiveServerOptions {
  httpServer: http.Server;
  /** The GraphQL path: subscriptions share it with queries (HTTP) by protocol. */
  path: string;
  /** The gateway's API schema (subscriptions are validated against it). */
  schema: GraphQLSchema;
  supergraphSdl: string;
  bus: LiveSubscriber;
  execute: LiveQueryExecutor;
  tokens: AccessTokens;
  limits: LiveLimits;
  /** Most lexical tokens in one document (as for queries). */
  maxTokens: number;
  /** Validation rules applied to queries too (depth, aliases, ...), on top of GraphQL's own. */
  validationRules: readonly ValidationRule[];
  logger: Logger;
  /** Per-viewer subjects of `@liveSubjectsFrom` fields (homeTimelineUpdated's followed VIPs). */
  viewerIds?: { lookup: ViewerIdsLookup; refreshMs: number };
  /** The gateway's registry: live gauges and counters go to /metrics. */
  metrics?: Registry;
  /** Persisted operations by id and the per-client safelist, as on HTTP (gateway/src/persisted-queries). */
  safelist?: SafelistOptions;
}

export interface LiveServer {
  /** Open connections and live groups, for metrics and tests. */
  stats(): { connections: number; groups: number; subjects: number };
  /** Closes every connection (1001 Going away) and stops accepting new ones. */
  close(): Promise<void>;
}

interface ConnectionState {
  viewerId: string | null;
  /** The client's name (apollographql-client-name in connectionParams or on the upgrade request): its safelist mode. */
  client: string;
  expiryTimer?: NodeJS.Timeout;
  subscriptions: number;
}

/** What onSubscribe prepared for subscribe(): passed through graphql-ws as the execution's contextValue. */
interface PreparedSubscription {
  /** The client's id for this subscription (graphql-transport-ws), written into every `next` message. */
  id: string;
  plan: SelectionPlan;
  subject: string;
  source: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  connection: ConnectionState;
  socket: LiveSocket;
}

type Extra = { socket: LiveSocket; request?: http.IncomingMessage; live?: ConnectionState };

/**
 * graphql-ws (graphql-transport-ws protocol) on the gateway's HTTP server. Authenticates once per
 * connection (connectionParams.authorization, as the HTTP header) and closes with 4401 when the token
 * expires; validates each subscription against the API schema with the query limits; serves it from
 * the live bus, resolving each event's selection through the gateway's query planner.
 */
export function startLiveServer(opts: LiveServerOptions): LiveServer {
  const liveFields = readLiveFields(opts.supergraphSdl);
  const fanIn = new LiveFanIn(opts.bus);
  let connections = 0;
  const stats = (): ReturnType<LiveServer['stats']> => ({ connections, groups: hub.groupCount, subjects: fanIn.subjectCount });
  const metrics = new LiveMetrics(opts.metrics, stats);
  const hub = new LiveHub(opts.schema, fanIn, opts.execute, opts.logger, {
    metrics,
    ...(opts.viewerIds ? { viewerIds: opts.viewerIds } : {}),
  });
  const rules = [...specifiedRules, ...opts.validationRules];
  const perUser = new Map<string, number>();

  // Parsed and validated once per distinct text: clients of one app send the same few operations, and
  // validating each of 10,000 identical subscriptions was a quarter of the gateway's CPU while they connected.
  const documents = new BoundedCache<{ document: DocumentNode; errors: readonly GraphQLError[]; hash: string }>(MAX_CACHED_DOCUMENTS);
  const checked = async (source: string) => {
    const cached = await documents.get(source);
    if (cached) return cached;
    const document = parse(source, { maxTokens: opts.maxTokens });
    const entry = { document, errors: validate(opts.schema, document, rules), hash: sha256Hex(source) };
    await documents.set(source, entry);
    return entry;
  };
  /** The operation's text: sent in full, or only as a manifest id (`query: ""` and extensions.persistedQuery). */
  const sourceOf = (payload: { query: string; extensions?: Record<string, unknown> | null }): string | GraphQLError => {
    if (payload.query) return payload.query;
    const hash = (payload.extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    const body = typeof hash === 'string' ? opts.safelist?.manifest.bodyOf(hash) : undefined;
    if (body !== undefined) return body;
    return typeof hash === 'string'
      ? new GraphQLError('PersistedQueryNotFound', { extensions: { code: PERSISTED_QUERY_NOT_FOUND } })
      : new GraphQLError('The subscription has no query.', { extensions: { code: 'BAD_USER_INPUT' } });
  };

  const wss = new WebSocketServer({ server: opts.httpServer, path: opts.path });
  const server = useServer<Record<string, unknown> | undefined, { live?: ConnectionState }>(
    {
      onConnect: async (ctx) => {
        const extra = ctx.extra as unknown as Extra;
        const viewer = await viewerFrom(ctx, opts.tokens, extra);
        if (!viewer) {
          metrics.disconnected('invalid_token');
          return false; // already closed with 4401
        }
        const { viewerId } = viewer;
        if (connections >= opts.limits.maxConnections || (viewerId && (perUser.get(viewerId) ?? 0) >= opts.limits.maxConnectionsPerUser)) {
          metrics.disconnected('too_many_connections');
          extra.socket.close(LiveCloseCode.TooManyConnections, 'Too many connections');
          return false;
        }
        connections++;
        if (viewerId) perUser.set(viewerId, (perUser.get(viewerId) ?? 0) + 1);
        const named = ctx.connectionParams?.[CLIENT_NAME_HEADER] ?? extra.request?.headers[CLIENT_NAME_HEADER];
        const state: ConnectionState = { viewerId, client: typeof named === 'string' ? named : '', subscriptions: 0 };
        if (viewer.expiresAt) {
          // Checked again when it expires: the connection closes then, with its subscriptions.
          const ms = Math.min(Math.max(0, viewer.expiresAt.getTime() - Date.now()), 2 ** 31 - 1);
          state.expiryTimer = setTimeout(() => {
            metrics.disconnected('token_expired');
            extra.socket.close(LiveCloseCode.Unauthorized, 'Access token expired');
          }, ms);
        }
        extra.live = state;
        return true;
      },
      onClose: (ctx) => {
        const state = (ctx.extra as unknown as Extra).live;
        if (!state) return;
        clearTimeout(state.expiryTimer);
        connections--;
        if (state.viewerId) {
          const left = (perUser.get(state.viewerId) ?? 1) - 1;
          if (left > 0) perUser.set(state.viewerId, left);
          else perUser.delete(state.viewerId);
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const extra = ctx.extra as unknown as Extra;
        const connection = extra.live!;
        try {
          const source = sourceOf(payload);
          if (source instanceof GraphQLError) return [source];
          const { document, errors, hash } = await checked(source);
          const operation = getOperationAST(document, payload.operationName);
          if (!operation)
            return [new GraphQLError('The document has no operation of that name.', { extensions: { code: 'BAD_USER_INPUT' } })];
          if (operation.operation !== 'subscription')
            return [
              new GraphQLError('Send queries and mutations over HTTP; this connection serves subscriptions.', {
                extensions: { code: 'BAD_USER_INPUT' },
              }),
            ];
          if (errors.length) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
          const refused = opts.safelist && safelistRefusal(opts.safelist, connection.client, hash, operation.name?.value);
          if (refused) return [refused];
          const coerced = getVariableValues(opts.schema, operation.variableDefinitions ?? [], payload.variables ?? {});
          if (coerced.errors) return coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
          if (connection.subscriptions >= opts.limits.maxSubscriptionsPerConnection)
            return [
              new GraphQLError(`At most ${opts.limits.maxSubscriptionsPerConnection} subscriptions per connection.`, {
                extensions: { code: 'BAD_USER_INPUT' },
              }),
            ];
          const { plan, args } = planSelection(opts.schema, document, operation, coerced.coerced, liveFields);
          const subject = renderSubject(plan.field.subject, args, connection.viewerId);
          const prepared: PreparedSubscription = {
            id,
            plan,
            subject,
            source,
            operationName: payload.operationName ?? null,
            variables: coerced.coerced,
            connection,
            socket: extra.socket,
          };
          return {
            schema: opts.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: prepared,
          } as ExecutionArgs;
        } catch (err) {
          if (err instanceof GraphQLError) return [isAppError(err) ? err : withCode(err, 'GRAPHQL_PARSE_FAILED')];
          throw err;
        }
      },
      subscribe: (args) => {
        const prepared = args.contextValue as PreparedSubscription;
        const { connection } = prepared;
        connection.subscriptions++;
        let remove: () => void = () => {};
        const sink = new LiveSink(
          prepared.id,
          prepared.socket,
          opts.limits.maxQueuedEvents,
          () => {
            metrics.disconnected('slow_consumer');
            prepared.socket.close(LiveCloseCode.SlowConsumer, 'Slow consumer: events were not read in time');
          },
          () => {
            connection.subscriptions--;
            remove();
          },
        );
        remove = hub.add(
          sink,
          { source: prepared.source, operationName: prepared.operationName, variables: prepared.variables, viewerId: connection.viewerId },
          prepared.plan,
          prepared.subject,
        );
        return sink;
      },
      execute: () => {
        throw new Error('unreachable: onSubscribe refuses queries and mutations');
      },
    },
    wss,
  );

  return {
    stats,
    close: async () => {
      await server.dispose();
    },
  };
}

/** The viewer of a connection: null when anonymous, undefined when the token was refused (the socket is then closed). */
async function viewerFrom(
  ctx: Context<Record<string, unknown> | undefined>,
  tokens: AccessTokens,
  extra: Extra,
): Promise<{ viewerId: string | null; expiresAt?: Date } | undefined> {
  const params = ctx.connectionParams ?? {};
  const header = params['authorization'] ?? params['Authorization'];
  if (header === undefined || header === null || header === '') return { viewerId: null };
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  try {
    if (!match) throw new Error('malformed');
    const { userId, expiresAt } = await tokens.verify(match[1]!);
    return { viewerId: userId, expiresAt };
  } catch {
    extra.socket.close(LiveCloseCode.Unauthorized, 'Invalid or expired access token');
    return undefined;
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
