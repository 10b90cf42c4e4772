import { z } from 'zod';
import { badInput } from './errors';

/**
 * Opaque cursors: base64url of a small JSON object. Opaque so clients cannot build them and we can
 * change what is inside; validated with a schema on the way in so a malformed or foreign cursor is a
 * BAD_USER_INPUT error rather than a crash or a silently wrong page.
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>, argName = 'after'): T {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`The cursor given in "${argName}" is malformed.`, argName);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badInput(`The cursor given in "${argName}" is not valid for this list.`, argName);
  return parsed.data;
}

/** Page sizes: a default when none is asked, a hard cap so one request cannot ask for everything. */
export const MAX_PAGE_SIZE = 100; // large enough for any screen, small enough to bound one request's work
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first == null) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw badInput(`"first" must be between 1 and ${max}.`, 'first');
  }
  return first;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: PageInfo;
}

/** Builds a forward connection from one extra row fetched beyond the page (the cheap hasNextPage test). */
export function forwardConnection<R, N>(
  rows: R[],
  limit: number,
  toCursor: (row: R) => string,
  toNode: (row: R) => N,
  hasPreviousPage = false,
): Connection<N> {
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ cursor: toCursor(row), node: toNode(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
