// One netroom server per guest policy (HTTP, FTP and the seed doors on port 0, temp folders), its accounts, owned files and tree snapshots.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Owner } from '../../src/core/access/permissions.js';
import { guest, signedIn, type Actor, type GuestPolicy } from '../../src/core/access/roles.js';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import { Library } from '../../src/core/library.js';
import { changeSource } from '../../src/doors/change-source.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import { snapshot } from '../helpers/library-actors.js';

/** The accounts every server gets: the acting member, another member, the administrator. */
export const ACCOUNTS = {
  member: { name: 'Alice', password: 'alice-password-1', role: 'member' },
  other: { name: 'bob', password: 'bob-password-22', role: 'member' },
  admin: { name: 'root', password: 'root-password-333', role: 'admin' },
} as const;

export const ALICE: Actor = signedIn(ACCOUNTS.member.name, 'member');
export const BOB: Actor = signedIn(ACCOUNTS.other.name, 'member');
export const ROOT: Actor = signedIn(ACCOUNTS.admin.name, 'admin');
export const GUS: Actor = guest('gus');

export interface PermissionServer {
  readonly policy: GuestPolicy;
  readonly server: NetroomServer;
  /** The library root. */
  readonly root: string;
  readonly ports: { readonly http: number; readonly ftp: number; readonly seed: number; readonly udp: number; readonly irc: number };
  /** Personal tokens (`nrt_...`) of Alice and root, for the HTTP door. */
  readonly tokens: { readonly member: string; readonly admin: string };
  /** Put `bytes` at `rel` made by `owner` through the library (null: written straight into the folder, nobody known). */
  place(rel: string, bytes: Buffer, owner: Actor | null): Promise<void>;
  /** Who the library says made `rel` (null: nobody known). */
  ownerOf(rel: string): Promise<Owner | null>;
  /** Every entry under the root, hidden ones (the owner book) included: path -> `<dir>` or `SIZE SHA-256`. */
  snapshot(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Start a server under `--guests policy` in fresh temp folders; flood control off, no leave grace;
 * `engines` adds options such as `database` and `redis` (the networked engines).
 */
export async function startPermissionServer(policy: GuestPolicy, engines: RawOptions = {}): Promise<PermissionServer> {
  const top = await fs.mkdtemp(path.join(tmpdir(), `netroom-permissions-${policy}-`));
  const root = path.join(top, 'files');
  const config = resolveConfig(
    { port: '0', http: '0', irc: '0', ftp: '0', dir: root, data: path.join(top, 'data'), logLevel: 'silent', flood: 'off', leaveGrace: '0', guests: policy, ...engines },
    {},
  );
  const server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  const portOf = (door: string): number => {
    const status = statuses.find((s) => s.door === door);
    if (status?.state !== 'listening') throw new Error(`the server has no ${door} door listening (${JSON.stringify(statuses)})`);
    return status.address.port;
  };
  const access = server.access;
  if (access === undefined) throw new Error('the server exposes no access core after start()');
  for (const a of Object.values(ACCOUNTS)) await access.accounts.add(a.name, a.password, a.role);
  const tokens = {
    member: access.credentials.create(ACCOUNTS.member.name, 'token', 'permissions contract').secret,
    admin: access.credentials.create(ACCOUNTS.admin.name, 'token', 'permissions contract').secret,
  };
  const realRoot = await fs.realpath(root);
  // Guests' files on a server now under --guests read or off were made while guests could upload:
  // the same folder and owner book, seen by a library under --guests on, places them.
  const earlier = new Library(realRoot, { guests: 'on' });
  await earlier.init();
  return {
    policy,
    server,
    root: realRoot,
    ports: { http: portOf('http'), ftp: portOf('ftp'), seed: portOf('seed-files'), udp: portOf('udp'), irc: portOf('irc') },
    tokens,
    async place(rel, bytes, owner) {
      if (owner === null) {
        await fs.writeFile(path.join(realRoot, rel), bytes);
        return;
      }
      const library = owner.role === 'guest' && policy !== 'on' ? earlier : server.library;
      const upload = await library.beginUpload(rel, changeSource('test', undefined, owner.name, owner));
      await new Promise<void>((resolve, reject) => upload.write(bytes, (err) => (err ? reject(err) : resolve())));
      await upload.commit();
    },
    ownerOf: (rel) => server.library.ownerOf(rel),
    // Hidden entries included (the owner book, temp and partial files): equal snapshots, nothing changed.
    snapshot: () => snapshot(realRoot),
    async close() {
      await server.stop();
      await fs.rm(top, { recursive: true, force: true });
    },
  };
}
