import { timingSafeEqual } from 'node:crypto';
import { watch } from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { Logger } from '@social/kit';
import type { SafelistManifest } from './manifest';

/** Editors and deploys write a file in several steps; one reload after they settle is enough. */
const WATCH_SETTLE_MS = 200;

/**
 * Reloads the manifest on SIGHUP and when its file changes (the folder is watched, so a file replaced
 * by rename is still seen). Returns a function that stops both.
 */
export function reloadManifestOnChange(manifest: SafelistManifest, file: string, logger: Logger): () => void {
  const reload = () => void manifest.reload().catch(() => undefined); // reload() logs its own failure
  process.on('SIGHUP', reload);
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, WATCH_SETTLE_MS);
    });
  } catch (err) {
    logger.warn({ err, file }, 'cannot watch the persisted-query manifest; reload with SIGHUP or the admin endpoint');
  }
  return () => {
    process.off('SIGHUP', reload);
    clearTimeout(timer);
    watcher?.close();
  };
}

/**
 * POST /admin/persisted-queries/reload with `Authorization: Bearer <ADMIN_TOKEN>`: reloads the manifest
 * (on this process; with several instances, call each or use SIGHUP). Not mounted without a token.
 */
export function mountManifestReload(app: express.Express, manifest: SafelistManifest, adminToken: string | undefined): void {
  if (!adminToken) return;
  const expected = Buffer.from(`Bearer ${adminToken}`);
  app.post('/admin/persisted-queries/reload', async (req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return void res.status(401).json({ error: 'admin token required' });
    try {
      res.json({ operations: await manifest.reload() });
    } catch (err) {
      res.status(422).json({ error: `manifest not reloaded: ${(err as Error).message}` });
    }
  });
}
