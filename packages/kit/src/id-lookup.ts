/**
 * How a store on a MongoDB-wire server reads many documents by `_id`:
 * - `in`: one `{ _id: { $in: ids } }` query, which MongoDB answers from its `_id` index;
 * - `each`: one `_id` equality lookup per id, sent in parallel.
 * FerretDB v1 (the CI server) answers an `_id` equality from its primary key but runs `$in` as a scan of
 * the whole collection: 0.4-1 s over 10,000 users, seconds over 500,000 posts, which made hydrating one
 * 20-post timeline page slower than the gateway waits. Stores ask once, at open, which one the server needs.
 */
export type IdLookup = 'in' | 'each';

/** The part of a driver `Db` this needs (mongoose's `connection.db`). */
export interface AdminCommandDb {
  admin(): { command(command: Record<string, unknown>): Promise<Record<string, unknown>> };
}

/** `each` on FerretDB (its buildInfo carries `ferretdbVersion`), `in` on MongoDB and anything else. */
export async function idLookupOf(db: AdminCommandDb | undefined): Promise<IdLookup> {
  if (!db) return 'in';
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info['ferretdbVersion'] === 'string' ? 'each' : 'in';
}

/**
 * The documents found for `ids` (deduplicated first), in no particular order: `many` once with every id
 * (`in`), or `one` per id in parallel (`each`), leaving out ids that found nothing.
 */
export async function findEachOrIn<K, T>(
  lookup: IdLookup,
  ids: readonly K[],
  many: (ids: K[]) => Promise<T[]>,
  one: (id: K) => Promise<T | null>,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (lookup === 'in') return many(unique);
  const found = await Promise.all(unique.map(one));
  return found.filter((doc): doc is Awaited<T> & T => doc !== null);
}
