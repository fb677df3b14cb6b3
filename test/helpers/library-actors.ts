// Test helper: actors, uploads by each upload mechanism as an actor, and byte-for-byte snapshots of a library's tree.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Continuations } from '../../src/core/append.js';
import { guest, signedIn, type Actor } from '../../src/core/access/roles.js';
import type { ChangeSource, Library } from '../../src/core/library.js';
import { PartialStore } from '../../src/core/partial.js';
import { changeSource } from '../../src/doors/change-source.js';

/** The cast: two guests, two members, an administrator. */
export const GINA = guest('gina');
export const GUS = guest('gus');
export const ALICE = signedIn('alice', 'member');
export const BOB = signedIn('bob', 'member');
export const ROOT = signedIn('root', 'admin');

/** What a door passes for `actor` (undefined: the server itself). */
export function as(actor: Actor | undefined): ChangeSource | undefined {
  return actor === undefined ? undefined : changeSource('test', '192.0.2.7', undefined, actor);
}

/** The upload mechanisms of the core: plain uploads, resumable partial uploads, continued uploads (FTP REST/APPE). */
export type Mechanism = 'put' | 'partial' | 'continue';
export const MECHANISMS: readonly Mechanism[] = ['put', 'partial', 'continue'];

/** A started upload, whichever mechanism: write its bytes, then `commit()` or `abort()`. */
export interface Started {
  write(data: string): Promise<void>;
  commit(): Promise<unknown>;
  abort(): Promise<void>;
}

/** Start an upload of `rel` as `actor` by `mechanism` (a fresh upload: offset 0). */
export async function begin(library: Library, rel: string, actor: Actor | undefined, mechanism: Mechanism, total?: number): Promise<Started> {
  const by = as(actor);
  const upload =
    mechanism === 'put'
      ? await library.beginUpload(rel, by)
      : mechanism === 'partial'
        ? await new PartialStore(library).begin(rel, { ...(total === undefined ? {} : { total }), ...(by === undefined ? {} : { by }) })
        : await new Continuations(library).begin(rel, 0, by);
  return {
    write: (data) => new Promise<void>((resolve, reject) => upload.write(data, (err) => (err ? reject(err) : resolve()))),
    commit: () => upload.commit(),
    abort: () => upload.abort(),
  };
}

/** Upload `content` to `rel` as `actor`, start to finish. */
export async function putAs(library: Library, rel: string, content: string, actor?: Actor, mechanism: Mechanism = 'put'): Promise<void> {
  const upload = await begin(library, rel, actor, mechanism, Buffer.byteLength(content));
  await upload.write(content);
  await upload.commit();
}

/**
 * Every entry under `root`, hidden ones (the owner book, temp and partial files) included: path ->
 * content for files, `<dir>` for folders, `-> target` for symlinks. Equal snapshots: nothing changed.
 */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, full);
    if (entry.isSymbolicLink()) out[rel] = `-> ${await fs.readlink(full)}`;
    else if (entry.isDirectory()) out[rel] = '<dir>';
    else out[rel] = await fs.readFile(full, 'utf8');
  }
  return out;
}
