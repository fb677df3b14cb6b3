// Test rig for the IRC door with accounts, bans and moderation: a chat over a real SQLite access store, the door on port 0.
import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access } from '../../src/core/access/access.js';
import type { AccountRole, GuestPolicy } from '../../src/core/access/roles.js';
import { Chat } from '../../src/core/chat/chat.js';
import { Moderation } from '../../src/core/chat/moderation.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import { Library } from '../../src/core/library.js';
import type { DoorContext } from '../../src/doors/door.js';
import { IrcDoor, type IrcDoorOptions } from '../../src/doors/irc/door.js';
import { silentLogger } from '../../src/log.js';
import { ACCESS_FILE, SqliteAccessStore } from '../../src/store/access-sqlite.js';
import { ADMIN_TOKEN, RawIrcClient, frameworkClient, type FrameworkClient } from './irc.js';
import { perTest } from './per-test.js';

/** Options of {@link startAccessRig}. */
export interface AccessRigOptions extends Partial<IrcDoorOptions> {
  guests?: GuestPolicy;
  allowPlaintextPasswords?: boolean;
  /** Accounts to create before the door opens: name -> [password, role]. */
  accounts?: Record<string, readonly [string, AccountRole]>;
}

/** The rig: chat, access, moderation, the door, and clients that are closed with it. */
export interface AccessRig {
  readonly chat: Chat;
  readonly access: Access;
  readonly moderation: Moderation;
  readonly door: IrcDoor;
  readonly port: number;
  readonly events: ChatEvent[];
  /** A raw client connected to `host` (default 127.0.0.1). */
  client(host?: string): Promise<RawIrcClient>;
  framework(nick: string, extra?: Record<string, unknown>): Promise<FrameworkClient>;
  close(): Promise<void>;
}

/** Start a chat with an access store (accounts made first) and an IRC door on `host` (default 127.0.0.1) port 0. */
export async function startAccessRig(options: AccessRigOptions = {}): Promise<AccessRig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-irc-access-'));
  const access = new Access(SqliteAccessStore.open(join(dir, ACCESS_FILE)), { guests: options.guests ?? 'on' });
  for (const [name, [password, role]] of Object.entries(options.accounts ?? {})) await access.accounts.add(name, password, role);
  const chat = new Chat({ flood: null });
  chat.useAccess(access);
  const moderation = new Moderation(chat);
  const events: ChatEvent[] = [];
  chat.subscribe((event) => events.push(event));
  const ctx: DoorContext = {
    chat,
    library: new Library(dir),
    lang: 'en',
    log: silentLogger(),
    access,
    moderation,
    allowPlaintextPasswords: options.allowPlaintextPasswords ?? false,
  };
  const doorOptions: Partial<IrcDoorOptions> = { ...options };
  for (const key of ['guests', 'allowPlaintextPasswords', 'accounts'] as const) delete (doorOptions as Record<string, unknown>)[key];
  const door = new IrcDoor(ctx, { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, ...doorOptions });
  await door.listen();
  const port = door.address().port;
  const raws: RawIrcClient[] = [];
  const frameworks: FrameworkClient[] = [];
  return {
    chat,
    access,
    moderation,
    door,
    port,
    events,
    async client(host = '127.0.0.1') {
      const c = await RawIrcClient.open(port, host);
      raws.push(c);
      return c;
    },
    async framework(nick, extra = {}) {
      const c = await frameworkClient(port, nick, extra);
      frameworks.push(c);
      return c;
    },
    async close() {
      for (const c of frameworks) if (c.connection.connected) c.quit('bye');
      await door.close();
      raws.forEach((c) => c.close());
      access.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A rig per test, closed after each test of the calling file. */
export function accessRigPerTest(): (options?: AccessRigOptions) => Promise<AccessRig> {
  return perTest(startAccessRig);
}

/** This machine's first non-loopback IPv4 address (to connect from something that is not loopback), if it has one. */
export function outsideAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return undefined;
}

/** SASL PLAIN's response, base64: authzid NUL authcid NUL password. */
export function plainResponse(authcid: string, password: string, authzid = ''): string {
  return Buffer.from(`${authzid}\0${authcid}\0${password}`, 'utf8').toString('base64');
}
