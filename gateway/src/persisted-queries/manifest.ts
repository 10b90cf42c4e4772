import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '@social/kit';

/** Apollo's persisted-query manifest, version 1 (what @apollo/generate-persisted-query-manifest writes). */
export const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 (hex) of the body'),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});
export type PersistedQueryManifest = z.infer<typeof manifestSchema>;
export type ManifestOperation = PersistedQueryManifest['operations'][number];

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Parses a manifest and insists every id is the sha256 of its body: that is the id Apollo's APQ
 * protocol sends, so a client can send just the id and the gateway's hash check still holds.
 */
export function parseManifest(json: string): PersistedQueryManifest {
  const manifest = manifestSchema.parse(JSON.parse(json));
  for (const op of manifest.operations) {
    if (sha256Hex(op.body) !== op.id) throw new Error(`manifest operation ${op.name}: id is not the sha256 of its body`);
  }
  return manifest;
}

/**
 * The safelist in memory: manifest operation bodies by id. Reloading swaps the whole map at once, and
 * a manifest that cannot be read or parsed leaves the previous one in force (a bad deploy of the file
 * must not open or close the gate by accident).
 */
export class SafelistManifest {
  private bodies = new Map<string, string>();

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** Loads the file; at start a missing file is an empty safelist (with a warning), not a crash. */
  async load(): Promise<void> {
    const json = await readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (json === null) {
      this.logger.warn({ path: this.path }, 'persisted-query manifest not found: the safelist is empty');
      return;
    }
    this.replace(parseManifest(json));
  }

  /** Reloads the file; throws (keeping the current safelist) when the new one is unreadable or invalid. */
  async reload(): Promise<number> {
    try {
      this.replace(parseManifest(await readFile(this.path, 'utf8')));
      this.logger.info({ path: this.path, operations: this.bodies.size }, 'persisted-query manifest reloaded');
      return this.bodies.size;
    } catch (err) {
      this.logger.error({ err, path: this.path }, 'persisted-query manifest reload failed; keeping the previous one');
      throw err;
    }
  }

  replace(manifest: PersistedQueryManifest): void {
    this.bodies = new Map(manifest.operations.map((op) => [op.id, op.body]));
  }

  bodyOf(id: string): string | undefined {
    return this.bodies.get(id);
  }

  has(id: string): boolean {
    return this.bodies.has(id);
  }

  get size(): number {
    return this.bodies.size;
  }
}
