import type { Connection, Model } from 'mongoose';

/**
 * The documents a store writes, learned from the store's own mongoose model rather than copied here:
 * the loader opens the real store (which registers its model and builds its indexes, as the service
 * does at start), then takes the model's defaults for every field it does not set itself (counters,
 * outbox fields, bio...). A field the store renames or adds therefore cannot silently drift from what
 * the loader writes: an unknown field, a missing required one or a wrongly typed value fails here,
 * before anything is inserted.
 */
export interface DocumentLayout {
  collection: string;
  /** Defaults for the fields the loader does not set (fresh arrays per document). */
  defaults(): Record<string, unknown>;
}

export async function layoutOf(conn: Connection, collection: string, sample: Record<string, unknown>): Promise<DocumentLayout> {
  const model = Object.values(conn.models).find((m) => m.collection.collectionName === collection) as Model<unknown> | undefined;
  if (!model) throw new Error(`no mongoose model for collection "${collection}" on ${conn.name}: did the store's open() change?`);
  const schema = model.schema;
  for (const field of Object.keys(sample)) {
    if (!schema.path(field)) throw new Error(`the store's "${collection}" schema has no field "${field}": update bench/dataset/load.ts`);
  }
  const template = (new model({}) as unknown as { toObject(): Record<string, unknown> }).toObject();
  delete template['_id'];
  for (const field of Object.keys(sample)) delete template[field];
  const defaults = () => {
    const doc: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) doc[k] = Array.isArray(v) ? [] : v;
    return doc;
  };
  const full = { ...defaults(), ...sample };
  const missing = schema.requiredPaths().filter((p) => full[p] === undefined);
  if (missing.length) throw new Error(`the store's "${collection}" schema requires ${missing.join(', ')}: update bench/dataset/load.ts`);
  try {
    await (new model(full) as unknown as { validate(): Promise<void> }).validate();
  } catch (err) {
    throw new Error(`a bench "${collection}" document does not validate against the store's schema: ${(err as Error).message}`);
  }
  return { collection, defaults };
}
