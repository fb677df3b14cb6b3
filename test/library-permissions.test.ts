// The permission table enforced by the Library (issue 12): every role x every file operation x every owner kind x --guests.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestPolicy, Role } from '../src/core/access/roles.js';
import { guest, signedIn, type Actor } from '../src/core/access/roles.js';
import { Continuations } from '../src/core/append.js';
import { Library } from '../src/core/library.js';
import { moveEntry } from '../src/core/move.js';
import { PartialStore } from '../src/core/partial.js';
import { codeOf } from './helpers/errors.js';
import { ALICE, BOB, GINA, GUS, MECHANISMS, ROOT, as, putAs, snapshot, type Mechanism } from './helpers/library-actors.js';

/** Whose the entry an operation acts on is, seen from the actor. */
type OwnerKind = 'own' | 'member' | 'guest' | 'admin' | 'unknown';
const OWNER_KINDS: readonly OwnerKind[] = ['own', 'member', 'guest', 'admin', 'unknown'];

type Op = 'list' | 'download' | 'stat' | 'upload' | 'mkdir' | 'overwrite' | 'rename' | 'rename-onto' | 'delete';

/**
 * The table, as README states it (written out here, not computed by the code under test): admins
 * everything; guests list and download unless `--guests off`, upload new files and make folders
 * only under `--guests on`, and never change what exists; members everything new, and change their
 * own entries and guests' entries only.
 */
function allowed(role: Role, op: Op, guests: GuestPolicy, owner: OwnerKind | null): boolean {
  if (role === 'admin') return true;
  if (role === 'guest') {
    if (guests === 'off') return false;
    if (op === 'list' || op === 'download' || op === 'stat') return true;
    return guests === 'on' && (op === 'upload' || op === 'mkdir');
  }
  if (op === 'list' || op === 'download' || op === 'stat' || op === 'upload' || op === 'mkdir') return true;
  return owner === 'own' || owner === 'guest';
}

const CAST: ReadonlyArray<{ role: Role; actor: Actor }> = [
  { role: 'guest', actor: GINA },
  { role: 'member', actor: ALICE },
  { role: 'admin', actor: ROOT },
];

/** Who made an entry of `kind`, for `actor` (undefined: made outside netroom). */
function maker(actor: Actor, kind: OwnerKind): Actor | undefined {
  switch (kind) {
    case 'own':
      return actor;
    case 'member':
      return actor === BOB ? ALICE : BOB;
    case 'guest':
      return actor === GUS ? GINA : GUS;
    case 'admin':
      return actor === ROOT ? signedIn('chief', 'admin') : ROOT;
    case 'unknown':
      return undefined;
  }
}

let base: string;
let n = 0;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-perms-'));
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/**
 * A fresh library under `guests` with `t.txt` and folder `d` made by `made` (undefined: outside
 * netroom), and `mine.txt` made by `actor`. Made through a library under `--guests on` (so a guest
 * can have made them), then acted on through another on the same folder under `guests`.
 */
async function fixture(guests: GuestPolicy, made: Actor | undefined, actor: Actor): Promise<{ library: Library; root: string }> {
  const root = path.join(base, `lib${n++}`);
  const making = new Library(root, { guests: 'on' });
  await making.init();
  if (made === undefined) {
    await fs.writeFile(path.join(root, 't.txt'), 'target');
    await fs.mkdir(path.join(root, 'd'));
  } else {
    await putAs(making, 't.txt', 'target', made);
    await making.mkdir('d', as(made));
  }
  await putAs(making, 'mine.txt', 'mine', actor);
  const library = new Library(root, { guests });
  await library.init();
  return { library, root };
}

/** Do `op` as `actor`; the entries acted on are `t.txt` (files) or the new names `new.txt` / `newdir`. */
async function act(library: Library, op: Op, actor: Actor, mechanism: Mechanism = 'put'): Promise<void> {
  const by = as(actor);
  switch (op) {
    case 'list':
      await library.list('', by);
      return;
    case 'stat':
      await library.stat('t.txt', by);
      return;
    case 'download':
      (await library.openRead('t.txt', {}, by)).stream.destroy();
      return;
    case 'upload':
      return putAs(library, 'new.txt', 'new', actor, mechanism);
    case 'mkdir':
      await library.mkdir('newdir', by);
      return;
    case 'overwrite':
      return putAs(library, 't.txt', 'replaced', actor, mechanism);
    case 'rename':
      await moveEntry(library, 't.txt', 'renamed.txt', by);
      return;
    case 'rename-onto':
      await moveEntry(library, 'mine.txt', 't.txt', by);
      return;
    case 'delete':
      await library.remove('t.txt', by);
      return;
  }
}

const GUEST_POLICIES: readonly GuestPolicy[] = ['on', 'read', 'off'];

describe.each(GUEST_POLICIES)('--guests %s', (guests) => {
  describe.each(CAST)('$role', ({ role, actor }) => {
    for (const op of ['list', 'download', 'stat', 'upload', 'mkdir'] as const) {
      const mechanisms = op === 'upload' ? MECHANISMS : (['put'] as const);
      for (const mechanism of mechanisms) {
        const yes = allowed(role, op, guests, null);
        it(`${op}${op === 'upload' ? ` (${mechanism})` : ''}: ${yes ? 'allowed' : 'refused'}`, async () => {
          const { library, root } = await fixture(guests, ROOT, actor);
          await check(library, root, op, actor, yes, mechanism);
        });
      }
    }
    for (const op of ['overwrite', 'rename', 'rename-onto', 'delete'] as const) {
      for (const kind of OWNER_KINDS) {
        const mechanisms = op === 'overwrite' ? MECHANISMS : (['put'] as const);
        for (const mechanism of mechanisms) {
          // rename-onto: the actor renames a file of their own onto t.txt (of `kind`).
          const yes = allowed(role, 'overwrite', guests, kind) && (op !== 'rename-onto' || allowed(role, 'rename', guests, 'own'));
          const expectYes = op === 'rename-onto' ? yes : allowed(role, op, guests, kind);
          it(`${op}${op === 'overwrite' ? ` (${mechanism})` : ''} of an entry made by ${kind}: ${expectYes ? 'allowed' : 'refused'}`, async () => {
            const { library, root } = await fixture(guests, maker(actor, kind), actor);
            await check(library, root, op, actor, expectYes, mechanism);
          });
        }
      }
    }
  });
});

/** Run `op`: allowed, it takes effect; refused, PERMISSION_DENIED and the tree is unchanged byte for byte. */
async function check(library: Library, root: string, op: Op, actor: Actor, yes: boolean, mechanism: Mechanism): Promise<void> {
  const before = await snapshot(root);
  if (!yes) {
    expect(await codeOf(act(library, op, actor, mechanism))).toBe('PERMISSION_DENIED');
    expect(await snapshot(root)).toEqual(before);
    return;
  }
  await act(library, op, actor, mechanism);
  const after = await snapshot(root);
  const visible = Object.fromEntries(Object.entries(after).filter(([p]) => !p.startsWith('.')));
  switch (op) {
    case 'upload':
      expect(visible['new.txt']).toBe('new');
      break;
    case 'mkdir':
      expect(visible['newdir']).toBe('<dir>');
      break;
    case 'overwrite':
      expect(visible['t.txt']).toBe('replaced');
      break;
    case 'rename':
      expect(visible['renamed.txt']).toBe('target');
      expect(visible['t.txt']).toBeUndefined();
      break;
    case 'rename-onto':
      expect(visible['t.txt']).toBe('mine');
      break;
    case 'delete':
      expect(visible['t.txt']).toBeUndefined();
      break;
    default:
      expect(after).toEqual(before);
  }
  // No temp, partial or kept file is ever left beside the entries.
  expect(Object.keys(after).filter((p) => p.startsWith('.netroom-') || p.includes('/.netroom-'))).toEqual([]);
  if (op === 'upload' || op === 'overwrite' || op === 'mkdir') {
    const rel = op === 'mkdir' ? 'newdir' : op === 'upload' ? 'new.txt' : 't.txt';
    expect(await library.ownerOf(rel)).toEqual(actor.role === 'guest' ? { role: 'guest', name: actor.name } : { role: actor.role, name: actor.account });
  }
}

describe('continued uploads (FTP APPE, REST+STOR) are overwrites of the file they continue', () => {
  it("a guest may not append to a file, even one a guest made; a member may (what guests made is members' to change)", async () => {
    const { library, root } = await fixture('on', GUS, ALICE);
    const before = await snapshot(root);
    expect(await codeOf(new Continuations(library).begin('t.txt', 'end', as(GINA)))).toBe('PERMISSION_DENIED');
    expect(await codeOf(new Continuations(library).begin('t.txt', 3, as(GUS)))).toBe('PERMISSION_DENIED');
    expect(await snapshot(root)).toEqual(before);
    const upload = await new Continuations(library).begin('t.txt', 'end', as(ALICE));
    upload.end('+more');
    await upload.commit();
    expect(await fs.readFile(path.join(root, 't.txt'), 'utf8')).toBe('target+more');
    expect(await library.ownerOf('t.txt')).toEqual({ role: 'member', name: 'alice' });
  });
});

describe('refusals are clear', () => {
  it('say why and what to do', async () => {
    const { library } = await fixture('on', BOB, ALICE);
    await expect(library.remove('t.txt', as(GINA))).rejects.toThrow(/guests may not delete existing entries: sign in/u);
    await expect(library.remove('t.txt', as(ALICE))).rejects.toThrow(/only bob or an administrator may delete t\.txt/u);
    const off = await fixture('off', undefined, ALICE);
    await expect(off.library.list('', as(guest('x')))).rejects.toThrow(/guests are not allowed here/u);
    await expect(off.library.remove('t.txt', as(ALICE))).rejects.toThrow(/nobody known made it/u);
  });

  it('an upload that asked not to overwrite (If-None-Match: *) hears ALREADY_EXISTS, not PERMISSION_DENIED', async () => {
    const { library } = await fixture('on', BOB, ALICE);
    expect(await codeOf(new PartialStore(library).begin('t.txt', { total: 1, noOverwrite: true, by: as(GINA) }))).toBe('ALREADY_EXISTS');
  });

  it('a member deleting a missing name gets NOT_FOUND, a guest PERMISSION_DENIED', async () => {
    const { library } = await fixture('on', BOB, ALICE);
    expect(await codeOf(library.remove('nope.txt', as(ALICE)))).toBe('NOT_FOUND');
    expect(await codeOf(library.remove('nope.txt', as(GINA)))).toBe('PERMISSION_DENIED');
  });

  it('the server itself (no actor) keeps every right', async () => {
    const { library } = await fixture('off', BOB, ALICE);
    await putAs(library, 't.txt', 'server');
    await moveEntry(library, 't.txt', 'u.txt');
    await library.remove('u.txt');
    expect((await library.list('')).map((e) => e.name)).toEqual(['d', 'mine.txt']);
  });
});
