// The permission contract's seed file client: netroom's own seed 003 client (L, G, P), guests only, one connection reused.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SeedFilesClient } from '../../src/client/seedfiles.js';
import type { ActorRole, FileDriver, Outcome } from './permissions-types.js';

const ERROR_LINE = /^ERROR ([A-Z_]+)\b/u;

/** The server's text (what the seed client rejects with) as an Outcome: the seed door has no status, only its line. */
function refused(err: unknown): Outcome {
  const raw = err instanceof Error ? err.message : String(err);
  return { ok: false, status: undefined, code: ERROR_LINE.exec(raw)?.[1], raw };
}

const cannot = (what: string): Promise<Outcome> => Promise.reject(new Error(`the seed file protocol cannot ${what}`));

export async function seedFilesDriver(port: number, role: ActorRole): Promise<FileDriver> {
  const scratch = await fs.mkdtemp(path.join(tmpdir(), 'netroom-permissions-seed-'));
  let client: SeedFilesClient | undefined;
  let n = 0;
  /** A connected client: a new connection when the server closed the last one (it does after some errors). */
  const connected = async (): Promise<SeedFilesClient> => {
    if (client?.connected === true) return client;
    client?.destroy();
    client = new SeedFilesClient();
    await client.connect('127.0.0.1', port);
    return client;
  };
  const run = async (work: (c: SeedFilesClient) => Promise<Outcome>): Promise<Outcome> => {
    let c: SeedFilesClient;
    try {
      c = await connected();
    } catch (err) {
      return refused(err);
    }
    try {
      return await work(c);
    } catch (err) {
      return refused(err);
    }
  };
  return {
    door: 'seedfiles',
    role,
    list: (dir) => (dir === '' ? run(async (c) => ({ ok: true, names: await c.list() })) : cannot('list a folder')),
    download: (rel) =>
      run(async (c) => {
        const dest = path.join(scratch, `get-${++n}`);
        await c.get(rel, dest);
        return { ok: true, bytes: await fs.readFile(dest) };
      }),
    upload: (rel, bytes) =>
      run(async (c) => {
        const src = path.join(scratch, `put-${++n}`);
        await fs.writeFile(src, bytes);
        await c.put(src, rel);
        // The door handles a connection's commands in order, the next one after the commit: an L
        // answered means the upload is in place (or tells the failure the commit met).
        await c.list();
        return { ok: true };
      }),
    mkdir: () => cannot('make folders'),
    rename: () => cannot('rename'),
    remove: () => cannot('delete'),
    async close() {
      client?.destroy();
      await fs.rm(scratch, { recursive: true, force: true });
    },
  };
}
