import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '@social/kit';
import type { SafelistManifest } from './manifest';

export const SAFELIST_MODES = ['off', 'audit', 'enforce'] as const;
export type SafelistMode = (typeof SAFELIST_MODES)[number];

/** The error code of an operation refused by an enforcing safelist: not one of the client's own operations. */
export const NOT_IN_SAFELIST = 'PERSISTED_QUERY_NOT_IN_SAFELIST';

/** The header Apollo's clients (Apollo iOS, Apollo Kotlin, Apollo Client) send their name in. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

/** Error code of an APQ request whose sha256Hash is not the hash of the query sent with it (Apollo Router's name). */
export const HASH_MISMATCH = 'PERSISTED_QUERY_HASH_MISMATCH';

/** Apollo Server raises these APQ errors without a code; they are the client's fault, not ours. */
const APQ_ERRORS_WITHOUT_CODE: Record<string, string> = {
  'provided sha does not match query': HASH_MISMATCH,
  'Unsupported persisted query version': 'BAD_USER_INPUT',
};

/** "ios=enforce,android=enforce,web=audit" to { ios: 'enforce', ... }; throws on anything else. */
export function parseSafelistModes(spec: string): Record<string, SafelistMode> {
  const modes: Record<string, SafelistMode> = Object.create(null) as Record<string, SafelistMode>;
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [client, mode] = entry.split('=').map((s) => s.trim());
    if (!client || !SAFELIST_MODES.includes(mode as SafelistMode)) {
      throw new Error(
        `Invalid configuration for gateway:\n  - SAFELIST_MODES: "${entry}" is not <client name>=${SAFELIST_MODES.join('|')}`,
      );
    }
    modes[client] = mode as SafelistMode;
  }
  return modes;
}

export interface SafelistOptions {
  manifest: SafelistManifest;
  /** Mode by client name; names not listed (and requests without one) get defaultMode. */
  modes: Record<string, SafelistMode>;
  defaultMode: SafelistMode;
  logger: Logger;
}

/** The mode the safelist applies to a client name (the default for unknown names and for none). */
export function safelistModeOf(opts: Pick<SafelistOptions, 'modes' | 'defaultMode'>, client: string): SafelistMode {
  return Object.hasOwn(opts.modes, client) ? opts.modes[client]! : opts.defaultMode;
}

/**
 * The safelist's verdict on one operation of `client`, over HTTP or WebSocket: null when it may run
 * (mode off, in the manifest, or only audited, which is logged), else the refusal to answer with.
 */
export function safelistRefusal(
  opts: SafelistOptions,
  client: string,
  queryHash: string,
  operationName: string | null | undefined,
  extensions: Record<string, unknown> = {},
): GraphQLError | null {
  const mode = safelistModeOf(opts, client);
  if (mode === 'off' || opts.manifest.has(queryHash)) return null;
  if (mode === 'audit') {
    opts.logger.warn({ client, operationName, queryHash }, 'operation not in the persisted-query safelist');
    return null;
  }
  return new GraphQLError(`This client may only send its registered operations; "${operationName ?? 'anonymous'}" is not one of them.`, {
    extensions: { code: NOT_IN_SAFELIST, ...extensions },
  });
}

/** Error code of a request naming a persisted id the manifest does not hold (Apollo's name). */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';

/**
 * Persisted queries by id, and the safelist.
 *
 * - Any client may send only a manifest id (extensions.persistedQuery.sha256Hash, no query): the body
 *   is taken from the manifest before Apollo's APQ step, which then finds the hash matching.
 * - Per client name, `audit` logs operations that are not in the manifest and `enforce` refuses them
 *   with PERSISTED_QUERY_NOT_IN_SAFELIST, after parsing and validation and before any subgraph is called.
 * The client name is only a label a client claims: forging one buys nothing, because the mode of a
 * name is never laxer than what the deployment chose for it, and unknown names get the default.
 * The safelist is a security boundary only for names set to enforce with the default also enforce.
 */
export function safelistPlugin<C extends BaseContext>(opts: SafelistOptions): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const hash = request.extensions?.['persistedQuery']?.sha256Hash as unknown;
      if (request.query === undefined && typeof hash === 'string') {
        const body = opts.manifest.bodyOf(hash);
        if (body !== undefined) {
          // Sent as a plain query from here on: its hash is the id (checked when the manifest was
          // loaded), and Apollo need not store it in the APQ cache on every request.
          request.query = body;
          const { persistedQuery: _, ...rest } = request.extensions!;
          request.extensions = rest;
        }
      }
      const client = request.http?.headers.get(CLIENT_NAME_HEADER) ?? '';
      const mode = safelistModeOf(opts, client);
      const codeApqErrors = {
        async didEncounterErrors({ errors }: { errors: readonly GraphQLError[] }) {
          for (const error of errors) {
            const code = APQ_ERRORS_WITHOUT_CODE[error.message];
            // Same error objects Apollo formats next: give them a stable code so they are not masked.
            if (code && !error.extensions['code']) (error.extensions as Record<string, unknown>)['code'] = code;
          }
        },
      };
      if (mode === 'off') return codeApqErrors;
      return {
        ...codeApqErrors,
        async didResolveOperation({ queryHash, operationName }) {
          const refused = safelistRefusal(opts, client, queryHash, operationName, { http: { status: 403 } });
          if (refused) throw refused;
        },
      };
    },
  };
}
