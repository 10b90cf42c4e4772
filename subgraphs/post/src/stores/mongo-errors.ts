const DUPLICATE_KEY = 11000;

/** A unique index (or `_id`) refused an insert: on FerretDB and MongoDB alike, the atomic "someone else has it". */
export const isDuplicateKey = (err: unknown) => (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
