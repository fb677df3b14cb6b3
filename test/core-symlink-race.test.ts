// Issue 10 item 1: a local user swaps `race` between a folder and a symlink to a folder outside the root while clients read and write through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isNetroomError } from '../src/core/errors.js';
import { Library } from '../src/core/library.js';
import { moveEntry } from '../src/core/move.js';
import { request, startHttpRig, type HttpRig } from './helpers/http.js';

/** Bounds of each race: this many attempts, or this long, whichever comes first. */
const ATTEMPTS = 2000;
const MAX_MS = 10_000;

/**
 * Swaps `race` between a real folder and a symlink to `outside`, as fast as it can, with atomic
 * renames (so `race` always exists), until killed or for at most MAX_MS. Prints `go` once running.
 */
const SWAPPER = `
import os, sys, time
root, outside, ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
real, link, race = os.path.join(root, 'race.real'), os.path.join(root, 'race.link'), os.path.join(root, 'race')
os.symlink(outside, link)
print('go', flush=True)
end = time.time() + ms / 1000
while time.time() < end:
    os.rename(real, race); os.rename(race, real)
    os.rename(link, race); os.rename(race, link)
os.rename(real, race)
`;

interface Scene {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  swapper: ChildProcess | null;
}

let scene: Scene | null = null;
let rig: HttpRig | null = null;

afterEach(async () => {
  scene?.swapper?.kill('SIGKILL');
  if (scene?.swapper) await once(scene.swapper, 'exit').catch(() => undefined);
  await rig?.close();
  if (scene) await fs.rm(scene.base, { recursive: true, force: true });
  scene = null;
  rig = null;
});

/** A library root with `race.real/secret.txt` (INSIDE) and a folder outside with `secret.txt` (OUTSIDE). */
async function setScene(root?: string): Promise<Scene> {
  const base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-race-'));
  const libRoot = root ?? path.join(base, 'lib');
  const outside = path.join(base, 'outside');
  await fs.mkdir(path.join(libRoot, 'race.real'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(libRoot, 'race.real', 'secret.txt'), 'INSIDE');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'OUTSIDE');
  await fs.writeFile(path.join(outside, 'victim.txt'), 'OUTSIDE');
  scene = { base, root: libRoot, outside, swapper: null };
  return scene;
}

/** Start the swapper and wait until it runs. */
async function startSwapping(s: Scene): Promise<void> {
  const child = spawn('python3', ['-c', SWAPPER, s.root, s.outside, String(MAX_MS + 5000)], { stdio: ['ignore', 'pipe', 'inherit'] });
  s.swapper = child;
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  expect(line.toString().trim()).toBe('go');
}

/** Run `attempt(i)` up to ATTEMPTS times within MAX_MS. */
async function bounded(attempt: (i: number) => Promise<void>): Promise<number> {
  const end = Date.now() + MAX_MS;
  let i = 0;
  for (; i < ATTEMPTS && Date.now() < end; i++) await attempt(i);
  return i;
}

/** The outside folder must hold exactly what was planted: anything else, or less, is a write that escaped. */
async function escapedWrites(s: Scene): Promise<string[]> {
  const names = await fs.readdir(s.outside);
  return [...names.filter((n) => n !== 'secret.txt' && n !== 'victim.txt'), ...['secret.txt', 'victim.txt'].filter((n) => !names.includes(n)).map((n) => `-${n}`)];
}

describe('symlink swap race (issue 10, item 1)', () => {
  it('through the Library API: no read or listing shows the outside folder, no write, delete or rename reaches it', async () => {
    const s = await setScene();
    const library = new Library(s.root);
    await library.init();
    await startSwapping(s);
    const seen = { inside: 0, outside: 0, refused: 0, written: 0, listedOutside: 0 };
    await bounded(async (i) => {
      try {
        const file = await library.openFile('race/secret.txt');
        const text = (await file.handle.readFile()).toString();
        await file.handle.close();
        if (text === 'OUTSIDE') seen.outside++;
        else seen.inside++;
      } catch (err) {
        if (!isNetroomError(err)) throw err;
        seen.refused++;
      }
      try {
        const upload = await library.beginUpload(`race/x${i}`);
        upload.end('payload');
        await upload.commit();
        seen.written++;
      } catch (err) {
        if (!isNetroomError(err)) throw err;
      }
      // The real folder has no victim.txt: only the outside one could be listed, removed or moved.
      for (const operation of [
        () => library.mkdir(`race/d${i}`),
        () => library.remove('race/victim.txt'),
        () => moveEntry(library, 'race/victim.txt', `stolen${i}.txt`),
        async () => {
          if ((await library.list('race')).some((e) => e.name === 'victim.txt')) seen.listedOutside++;
        },
      ]) {
        try {
          await operation();
        } catch (err) {
          if (!isNetroomError(err)) throw err;
        }
      }
    });
    expect(seen.outside).toBe(0);
    expect(seen.listedOutside).toBe(0);
    expect(await escapedWrites(s)).toEqual([]);
    // The race really ran both ways: some attempts went through the folder, some met the link.
    expect(seen.inside + seen.written).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('through the HTTP door: GET and HEAD never show the outside file, PUT never writes outside', async () => {
    rig = await startHttpRig();
    const s = await setScene(rig.root);
    await startSwapping(s);
    const seen = { inside: 0, outside: 0, other: 0, stored: 0 };
    await bounded(async (i) => {
      const got = await request(rig!.url('/files/race/secret.txt'));
      if (got.status === 200 && got.body.toString() === 'OUTSIDE') seen.outside++;
      else if (got.status === 200) seen.inside++;
      else seen.other++;
      // HEAD answers from a stat: the outside file (7 bytes, INSIDE has 6) must not show its size either.
      const head = await request(rig!.url('/files/race/secret.txt'), { method: 'HEAD' });
      if (head.status === 200 && head.headers['content-length'] === '7') seen.outside++;
      const put = await request(rig!.url(`/files/race/up${i}.txt`), { method: 'PUT', body: 'payload' });
      if (put.status === 201 || put.status === 200) seen.stored++;
    });
    expect(seen.outside).toBe(0);
    expect(await escapedWrites(s)).toEqual([]);
    expect(seen.inside + seen.stored).toBeGreaterThan(0);
    expect(seen.other).toBeGreaterThan(0);
  });
});
