// The rules again at commit (issue 12): a file that appears or changes hands between an upload's check and its commit.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/core/access/roles.js';
import { Library } from '../src/core/library.js';
import { codeOf } from './helpers/errors.js';
import { ALICE, BOB, GINA, GUS, MECHANISMS, ROOT, begin, putAs, snapshot } from './helpers/library-actors.js';

let base: string;
let root: string;
let library: Library;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-race-'));
  root = path.join(base, 'root');
  library = new Library(root);
  await library.init();
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** How many owner records the book holds. */
async function recordCount(): Promise<number> {
  return (await fs.readdir(path.join(root, '.netroom', 'owners')).catch(() => [])).length;
}

/** Names of hidden upload files (temps, partials, kept bytes) anywhere under the root, outside the owner book. */
async function leftovers(): Promise<string[]> {
  return Object.keys(await snapshot(root)).filter((p) => /(^|\/)\.netroom-/u.test(p));
}

/** `who` puts `race.txt` in place while the upload is in flight (undefined: someone outside netroom). */
async function appear(who: Actor | undefined, content: string): Promise<void> {
  if (who === undefined) await fs.writeFile(path.join(root, 'race.txt'), content);
  else await putAs(library, 'race.txt', content, who);
}

describe.each(MECHANISMS)('an upload by %s, checked again at commit', (mechanism) => {
  const refusedCases: Array<[string, Actor, Actor | undefined]> = [
    ['a guest', GINA, ALICE],
    ['a guest', GINA, GUS],
    ['a guest', GINA, undefined],
    ['a member', ALICE, BOB],
    ['a member', ALICE, ROOT],
    ['a member', ALICE, undefined],
  ];
  for (const [who, actor, other] of refusedCases) {
    it(`${who} uploading a new name never replaces a file ${other?.name ?? 'nobody known'} made meanwhile`, async () => {
      const upload = await begin(library, 'race.txt', actor, mechanism, 5);
      await upload.write('mine!');
      await appear(other, 'theirs');
      const records = await recordCount();
      expect(await codeOf(upload.commit())).toBe('PERMISSION_DENIED');
      expect(await fs.readFile(path.join(root, 'race.txt'), 'utf8')).toBe('theirs');
      expect(await library.ownerOf('race.txt')).toEqual(other === undefined ? null : { role: other.role, name: other.name });
      expect(await recordCount()).toBe(records); // the refused upload's own record is gone too
      expect(await leftovers()).toEqual([]); // no temp, and nothing kept to continue
    });
  }

  it('a member replaces a file a guest made meanwhile (as they could have at the start)', async () => {
    const upload = await begin(library, 'race.txt', ALICE, mechanism, 5);
    await upload.write('mine!');
    await appear(GUS, 'theirs');
    await upload.commit();
    expect(await fs.readFile(path.join(root, 'race.txt'), 'utf8')).toBe('mine!');
    expect(await library.ownerOf('race.txt')).toEqual({ role: 'member', name: 'alice' });
    expect(await recordCount()).toBe(1);
  });

  it('an administrator replaces whatever appeared meanwhile', async () => {
    const upload = await begin(library, 'race.txt', ROOT, mechanism, 5);
    await upload.write('mine!');
    await appear(BOB, 'theirs');
    await upload.commit();
    expect(await fs.readFile(path.join(root, 'race.txt'), 'utf8')).toBe('mine!');
    expect(await library.ownerOf('race.txt')).toEqual({ role: 'admin', name: 'root' });
  });

  it('an overwrite allowed at the start is refused when the file changed hands meanwhile', async () => {
    await putAs(library, 'race.txt', 'alice v1', ALICE);
    const upload = await begin(library, 'race.txt', ALICE, mechanism, 5);
    await upload.write('mine!');
    await putAs(library, 'race.txt', 'root v2', ROOT);
    expect(await codeOf(upload.commit())).toBe('PERMISSION_DENIED');
    expect(await fs.readFile(path.join(root, 'race.txt'), 'utf8')).toBe('root v2');
    expect(await library.ownerOf('race.txt')).toEqual({ role: 'admin', name: 'root' });
    expect(await recordCount()).toBe(1);
    expect(await leftovers()).toEqual([]);
  });
});
