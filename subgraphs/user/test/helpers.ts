import { randomBytes } from 'node:crypto';
import { INTERNAL_AUTH_HEADER, InternalSigner, createLogger, type Env, type RunningService } from '@social/kit';
import { MemoryEventBus, type EventBus } from '@social/events';
import { parseUserConfig, startUserService, verifyAccessToken, type UserConfig, type UserServiceDeps } from '../src/server';

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string } }[];
}

/** Who signs a request: the gateway for a viewer (default: anonymous), nobody, or a raw header. */
export type Auth = { viewerId?: string | null } | { header: string | null };

export interface TestService {
  service: RunningService;
  config: UserConfig;
  /** The in-process bus given to the service; undefined when it built its own from NATS_URL. */
  bus: EventBus | undefined;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, auth?: Auth): Promise<GraphQLResult<T>>;
  /** The user id inside an access token (what the gateway would pass on as the viewer). */
  viewerOf(accessToken: string): Promise<string>;
  stop(): Promise<void>;
}

/** The user subgraph on a free port with memory stores (unless env says otherwise), talked to over HTTP. */
export async function startTestService(env: Env = {}, deps: UserServiceDeps = {}): Promise<TestService> {
  const config = parseUserConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...env });
  // With NATS_URL the service builds its own JetStream bus, as in production.
  const bus = deps.bus ?? (config.NATS_URL ? undefined : new MemoryEventBus());
  const service = await startUserService(config, { logger: createLogger('user', 'silent'), ...deps, bus });
  const signer = new InternalSigner(config.INTERNAL_AUTH_SECRET, 'gateway');

  const gql: TestService['gql'] = async (query, variables = {}, auth = {}) => {
    const header = 'header' in auth ? auth.header : await signer.sign(auth.viewerId ?? null);
    const res = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { [INTERNAL_AUTH_HEADER]: header } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };

  return {
    service,
    config,
    bus,
    gql,
    viewerOf: async (accessToken) => (await verifyAccessToken(accessToken, config.ACCESS_TOKEN_SECRET)).userId,
    stop: async () => {
      await service.stop();
      if (!deps.bus) await bus?.close();
    },
  };
}

export const uniqueHandle = (prefix = 'u') => `${prefix}_${randomBytes(4).toString('hex')}`;

export const AUTH_FIELDS =
  'accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id handle displayName bio createdAt }';

export interface AuthPayload {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: { id: string; handle: string; displayName: string; bio: string; createdAt: string };
}

export const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;
export const REFRESH = `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
export const LOGOUT = `mutation Logout($t: String!) { logout(refreshToken: $t) }`;

export const PASSWORD = 'correct horse battery staple';

/** Registers a fresh account and returns its sign-in payload; fails the test on any error. */
export async function register(
  t: TestService,
  input: Partial<{ handle: string; email: string; password: string; displayName: string }> = {},
) {
  const handle = input.handle ?? uniqueHandle();
  const res = await t.gql<{ register: AuthPayload }>(REGISTER, {
    input: { handle, email: `${handle.toLowerCase()}@example.com`, password: PASSWORD, ...input },
  });
  if (res.errors) throw new Error(`register failed: ${JSON.stringify(res.errors)}`);
  return res.data!.register;
}

/** The code and field of the single error of a result. */
export function errorOf(res: GraphQLResult): { code?: string; field?: string; message: string } {
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors!;
  return { code: error!.extensions?.code, field: error!.extensions?.field, message: error!.message };
}
