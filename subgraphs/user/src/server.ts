import path from 'node:path';
import type { Connection } from 'mongoose';
import { createLogger, startSubgraph, type Logger, type ReadinessCheck, type RunningService } from '@social/kit';
import { createEventBus, type EventBus } from '@social/events';
import { AccountService } from './auth/accounts';
import { AccessTokenIssuer } from './auth/access-tokens';
import { dummyPasswordHash } from './auth/passwords';
import { SessionService } from './auth/sessions';
import type { UserConfig } from './config';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { MemoryRefreshTokenStore } from './stores/memory-refresh-token-store';
import { MemoryUserStore } from './stores/memory-user-store';
import { MongoRefreshTokenStore } from './stores/mongo-refresh-token-store';
import { MongoUserStore } from './stores/mongo-user-store';
import { connectMongo, pingMongo } from './stores/mongo';
import type { RefreshTokenStore } from './stores/refresh-token-store';
import type { UserStore } from './stores/user-store';

export { parseUserConfig, type UserConfig } from './config';
export { verifyAccessToken } from './auth/access-tokens';

// Resolves to src/schema.graphql from both src/ (tsx, jest) and dist/ (built), which are siblings.
const SCHEMA_PATH = path.join(__dirname, '..', 'src', 'schema.graphql');

export interface UserServiceDeps {
  /** The process-wide bus of the embedded mode; otherwise one is created from NATS_URL. */
  bus?: EventBus;
  logger?: Logger;
  /** Test seam: use these stores instead of building them from config (e.g. to spy on calls). */
  stores?: { users: UserStore; refreshTokens: RefreshTokenStore };
}

interface Stores {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  connection?: Connection;
}

/** MongoDB when MONGODB_URI is set (indexes built before serving), memory otherwise. */
async function openStores(config: UserConfig): Promise<Stores> {
  if (!config.MONGODB_URI) return { users: new MemoryUserStore(), refreshTokens: new MemoryRefreshTokenStore() };
  const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const [users, refreshTokens] = await Promise.all([MongoUserStore.open(connection), MongoRefreshTokenStore.open(connection)]);
    return { users, refreshTokens, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/** Accounts, sign-in and profiles: builds everything from config and serves the subgraph. */
export async function startUserService(config: UserConfig, deps: UserServiceDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger('user', config.LOG_LEVEL);
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const stores: Stores = deps.stores ?? (await openStores(config));
    const { connection } = stores;
    if (connection) cleanups.push(() => connection.close());

    const bus =
      deps.bus ?? (await createEventBus({ natsUrl: config.NATS_URL, subjectPrefix: config.EVENT_SUBJECT_PREFIX, logger, name: 'user' }));
    if (!deps.bus) cleanups.push(() => bus.close());

    const sessions = new SessionService({
      refreshTokens: stores.refreshTokens,
      accessTokens: new AccessTokenIssuer(config.ACCESS_TOKEN_SECRET, config.ACCESS_TOKEN_TTL_SECONDS),
      refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      logger,
    });
    const services = { users: stores.users, accounts: new AccountService(stores.users, sessions, bus, logger) };
    // Computed now so the first login for an unknown account is not measurably slower than later ones.
    await dummyPasswordHash();

    const readiness: Record<string, ReadinessCheck> = { events: () => bus.ping() };
    if (connection) readiness['mongodb'] = () => pingMongo(connection);

    return await startSubgraph<Context>({
      name: 'user',
      schemaPath: SCHEMA_PATH,
      resolvers,
      host: config.HOST,
      port: config.PORT,
      logger,
      metricsToken: config.METRICS_TOKEN,
      internalAuthSecret: config.INTERNAL_AUTH_SECRET,
      context: (identity) => createContext(identity, services),
      readiness,
      onShutdown: closeAll,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
}
