// The permission contract: every role x every file operation x every owner of the target, on one file door, under --guests on, read and off.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Owner } from '../../src/core/access/permissions.js';
import { guest, type Actor, type GuestPolicy } from '../../src/core/access/roles.js';
import { engineOptions, ENGINE_TITLE, type Engine } from './engine.js';
import { ftpDriver } from './permissions-ftp.js';
import { httpDriver } from './permissions-http.js';
import { seedFilesDriver } from './permissions-seedfiles.js';
import { ACCOUNTS, ALICE, BOB, GUS, ROOT, startPermissionServer, type PermissionServer } from './permissions-server.js';
import { expected, type Expected } from './permissions-table.js';
import {
  ACTOR_ROLES,
  FILE_DOOR_LIMITS,
  GUEST_NAME,
  OPS,
  OWNER_KINDS,
  POLICIES,
  isOwnedOp,
  type ActorRole,
  type FileDoor,
  type FileDriver,
  type Outcome,
  type OwnerKind,
} from './permissions-types.js';

/** The folder moves go into: made with fs at start, so nobody known made it (as folders a deployment starts with). */
const MOVED = 'moved';

/** The actor `role` is on `door`: a guest by the door's guest name, Alice, root. */
function actorOf(door: FileDoor, role: ActorRole): Actor {
  return role === 'guest' ? guest(GUEST_NAME[door]) : role === 'member' ? ALICE : ROOT;
}

/** Who made the target of an owned case (null: nobody known). */
function ownerActor(door: FileDoor, role: ActorRole, kind: OwnerKind): Actor | null {
  switch (kind) {
    case 'self':
      return actorOf(door, role);
    case 'member':
      return BOB;
    case 'guest':
      return GUS;
    case 'admin':
      return ROOT;
    case 'nobody':
      return null;
  }
}

/** What the library records as the owner of what `actor` makes. */
const recorded = (actor: Actor | null): Owner | null => (actor === null ? null : { role: actor.role, name: actor.account ?? actor.name });

/** The owners an owned case is tried against: for root, "an administrator" is root itself, tried as `self`. */
const ownersFor = (role: ActorRole): readonly OwnerKind[] => (role === 'admin' ? OWNER_KINDS.filter((k) => k !== 'admin') : OWNER_KINDS);

const OWNER_TITLE: Readonly<Record<OwnerKind, string>> = {
  self: 'made by itself',
  member: 'made by another member',
  guest: 'made by another guest',
  admin: 'made by an administrator',
  nobody: 'made by nobody known (written with fs)',
};

/** The door's proper refusal for `role` under `policy`, checked on what the door answered. */
function expectRefusal(door: FileDoor, policy: GuestPolicy, role: ActorRole, outcome: Outcome): void {
  expect(outcome.ok, `refused, but the door answered ok`).toBe(false);
  if (outcome.ok) return;
  const shut = role === 'guest' && policy === 'off';
  const seen = { status: outcome.status, code: outcome.code, raw: outcome.raw };
  if (door === 'http') {
    expect(seen, 'HTTP refusal').toMatchObject(shut ? { status: 401, code: 'ACCOUNTS_ONLY' } : { status: 403, code: 'PERMISSION_DENIED' });
  } else if (door === 'ftp') {
    // Under --guests off the anonymous login itself is refused (530); else the command: 550, or 553 for a name not to be stored.
    if (shut) expect(seen, 'FTP login refusal').toMatchObject({ status: 530 });
    else expect([550, 553], `FTP refusal ${JSON.stringify(seen)}`).toContain(outcome.status);
  } else if (shut) {
    // The seed doors cannot sign in: a clear reason, told as the door's error line.
    expect(['ACCOUNTS_ONLY', 'PERMISSION_DENIED'], `seed file door's error line ${JSON.stringify(seen)}`).toContain(outcome.code);
  } else {
    expect(seen, "seed file door's error line").toMatchObject({ code: 'PERMISSION_DENIED' });
  }
}

function expectOk(outcome: Outcome): void {
  expect(outcome.ok ? 'ok' : `refused: ${outcome.raw}`, 'allowed, so the door must do it').toBe('ok');
}

async function driverFor(door: FileDoor, s: PermissionServer, role: ActorRole): Promise<FileDriver> {
  switch (door) {
    case 'http':
      return httpDriver(s.ports.http, role, role === 'guest' ? undefined : s.tokens[role]);
    case 'ftp': {
      const account = role === 'member' ? ACCOUNTS.member : ACCOUNTS.admin;
      return role === 'guest' ? ftpDriver(s.ports.ftp, role, 'anonymous', 'guest@example.com') : ftpDriver(s.ports.ftp, role, account.name, account.password);
    }
    case 'seedfiles':
      return seedFilesDriver(s.ports.seed, role);
  }
}

/**
 * The permission contract on `door`: one server per guest policy (on fresh engines), one signed-in
 * client per role, each case written once.
 */
export function permissionsContract(door: FileDoor, engine: Engine = 'embedded'): void {
  const limits = FILE_DOOR_LIMITS[door];
  const engines = engineOptions(engine);
  for (const policy of POLICIES) {
    describe(`permissions contract: ${door}, --guests ${policy}${ENGINE_TITLE[engine]}`, () => {
      let s: PermissionServer;
      const drivers = new Map<ActorRole, FileDriver>();
      beforeAll(async () => {
        s = await startPermissionServer(policy, await engines());
        await fs.mkdir(path.join(s.root, MOVED));
        for (const role of ACTOR_ROLES) if (limits.roles?.[role] === undefined) drivers.set(role, await driverFor(door, s, role));
      });
      afterAll(async () => {
        for (const d of drivers.values()) await d.close();
        await s?.close();
      });

      for (const role of ACTOR_ROLES) {
        for (const op of OPS) {
          for (const owner of isOwnedOp(op) ? ownersFor(role) : [undefined]) {
            const want: Expected = owner === undefined ? expected(policy, role, op as 'list') : expected(policy, role, op as 'delete', owner);
            const skipped = limits.roles?.[role] ?? limits.ops?.[op];
            const title = `${role} ${op}${owner === undefined ? '' : ` (${OWNER_TITLE[owner]})`}: ${want}`;
            it.skipIf(skipped !== undefined)(skipped === undefined ? title : `${title} (skipped: ${skipped})`, async () => {
              const driver = drivers.get(role);
              if (driver === undefined) throw new Error(`no ${role} client on ${door}`);
              await runCase({ s, door, policy, role, op, owner, want, driver });
            });
          }
        }
      }
    });
  }
}

interface Case {
  readonly s: PermissionServer;
  readonly door: FileDoor;
  readonly policy: GuestPolicy;
  readonly role: ActorRole;
  readonly op: (typeof OPS)[number];
  readonly owner: OwnerKind | undefined;
  readonly want: Expected;
  readonly driver: FileDriver;
}

/** Set the target up, snapshot, act; then the effect (allowed) or the refusal and an unchanged tree (refused). */
async function runCase(c: Case): Promise<void> {
  const { s, door, role, op, owner, driver } = c;
  const id = `${role}-${op}${owner === undefined ? '' : `-${owner}`}`;
  const file = `${id}.txt`;
  const original = Buffer.from(`original bytes of ${id}\n`);
  const fresh = Buffer.from(`new bytes from ${role} on ${door} for ${id}\n`);
  const madeBy = owner === undefined ? null : ownerActor(door, role, owner);
  if (op !== 'upload' && op !== 'mkdir') await s.place(file, original, madeBy);
  const before = await s.snapshot();

  const moved = `${MOVED}/${id}.renamed.txt`;
  const outcome = await (op === 'list'
    ? driver.list('')
    : op === 'download'
      ? driver.download(file)
      : op === 'upload' || op === 'overwrite'
        ? driver.upload(file, fresh)
        : op === 'mkdir'
          ? driver.mkdir(id)
          : op === 'rename'
            ? driver.rename(file, moved)
            : driver.remove(file));

  if (c.want === 'refused') {
    expectRefusal(door, c.policy, role, outcome);
    expect(await s.snapshot(), 'a refused operation changes nothing (names, sizes, SHA-256, owner records)').toEqual(before);
    return;
  }
  expectOk(outcome);
  if (!outcome.ok) return;
  const me = recorded(actorOf(door, role));
  const abs = (rel: string): string => path.join(s.root, rel);
  switch (op) {
    case 'list':
      expect(outcome.names).toContain(file);
      break;
    case 'download':
      expect(outcome.bytes?.toString()).toBe(original.toString());
      break;
    case 'upload':
    case 'overwrite':
      expect((await fs.readFile(abs(file))).toString()).toBe(fresh.toString());
      expect(await s.ownerOf(file), 'whoever uploads becomes the owner').toEqual(me);
      break;
    case 'mkdir':
      expect((await fs.stat(abs(id))).isDirectory()).toBe(true);
      expect(await s.ownerOf(id), 'whoever makes a folder owns it').toEqual(me);
      break;
    case 'rename':
      await expect(fs.stat(abs(file)), 'the old name is gone').rejects.toThrow(/ENOENT/u);
      expect((await fs.readFile(abs(moved))).toString()).toBe(original.toString());
      expect(await s.ownerOf(moved), 'the owner follows the entry').toEqual(recorded(madeBy));
      break;
    case 'delete':
      await expect(fs.stat(abs(file)), 'deleted').rejects.toThrow(/ENOENT/u);
      break;
  }
}
