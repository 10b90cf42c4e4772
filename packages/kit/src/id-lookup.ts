/**
 * How a store on a MongoDB-wire server reads many documents by `_id`:
 * - `in`: one `{ _id: { $in: ids } }` query, which MongoDB answers from its `_id` index;
 * - `each`: one `_id` equality lookup per id, sent in parallel.
 * FerretDB v1 (the CI server) uses no index for either, but hands an `_id` equality down to SQLite while
 * it decodes every document itself for `$in`: 20 users over 100,000 took 6.0 s one by one against 10.0 s
 * as one `$in` (small collections: milliseconds against 0.4-1 s). Asked once per database, at open.
 */
export type IdLookup = 'in' | 'each';

/** The part of a driver `Db` this needs (mongoose's `connection.db`). */
export interface AdminCommandDb {
  admin(): { command(command: Record<string, unknown>): Promise<Record<string, unknown>> };
}

const answered = new WeakMap<AdminCommandDb, Promise<IdLookup>>();

/**
 * `each` on FerretDB (its buildInfo carries `ferretdbVersion`), `in` on MongoDB and anything else. One
 * buildInfo per database however many stores open on it; a failed one is asked again next time.
 */
export function idLookupOf(db: AdminCommandDb | undefined): Promise<IdLookup> {
  if (!db) return Promise.resolve('in');
  let lookup = answered.get(db);
  if (!lookup) {
    lookup = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info): IdLookup => (typeof info['ferretdbVersion'] === 'string' ? 'each' : 'in'));
    lookup.catch(() => answered.delete(db));
    answered.set(db, lookup);
  }
  return lookup;
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
