import path from 'node:path';
import { INTERNAL_AUTH_HEADER, INTERNAL_TOKEN_TTL_SECONDS, InternalSigner } from '@social/kit';
import { REPO_ROOT, freePort, startChild, waitForGraphQL, type ChildHandle } from '../../harness/processes';
import type { WriteCounts } from './write-probe';

const POST_ENTRY = path.join(REPO_ROOT, 'subgraphs', 'post', 'src', 'index.ts');
const PROBE = path.join(__dirname, 'write-probe.ts');

export interface PostInstance {
  name: string;
  url: string;
  handle: ChildHandle;
  /** MongoDB writes this process has sent so far (from the preloaded probe). */
  writes(): Promise<WriteCounts>;
}

/** The post subgraph in its own process, as in production, with the write probe preloaded. */
export async function startPostInstance(name: string, env: Record<string, string>, headers: Record<string, string>): Promise<PostInstance> {
  const port = await freePort();
  const handle = await startChild(name, POST_ENTRY, { env: { ...env, PORT: String(port) }, nodeFlags: ['--import', PROBE] });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(url, '{ _service { sdl } }', { headers, child: handle.child });
  return { name, url, handle, writes: () => askWrites(handle) };
}

function askWrites(handle: ChildHandle): Promise<WriteCounts> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${handle.name} did not report its write counts`)), 5_000);
    const onMessage = (m: { type?: string; counts?: WriteCounts }) => {
      if (m?.type !== 'write-counts') return;
      clearTimeout(timer);
      handle.child.off('message', onMessage);
      resolve(m.counts!);
    };
    handle.child.on('message', onMessage);
    handle.child.send({ type: 'write-counts' });
  });
}

export function diffWrites(after: WriteCounts, before: WriteCounts): WriteCounts {
  const byCommand: WriteCounts['byCommand'] = {};
  for (const [k, v] of Object.entries(after.byCommand)) {
    const b = before.byCommand[k] ?? { commands: 0, documents: 0 };
    byCommand[k] = { commands: v.commands - b.commands, documents: v.documents - b.documents };
  }
  return { commands: after.commands - before.commands, documents: after.documents - before.documents, byCommand };
}

/** Signed `x-internal-auth` headers for many viewers (as the gateway sends), re-signed before they expire. */
export class ViewerHeaders {
  private readonly tokens = new Map<string, string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly signer: InternalSigner,
    readonly viewers: string[],
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), (INTERNAL_TOKEN_TTL_SECONDS / 2) * 1000);
    this.timer.unref();
  }

  header(viewerId: string | null): Record<string, string> {
    return { [INTERNAL_AUTH_HEADER]: this.tokens.get(viewerId ?? '')! };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    for (const id of [null, ...this.viewers]) this.tokens.set(id ?? '', await this.signer.sign(id));
  }
}
