// Test fixtures for the FTP door: a door on a temp library, a basic-ftp client, a raw control connection, tools.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import type { Continuations } from '../../src/core/append.js';
import { Access } from '../../src/core/access/access.js';
import type { AccountRole, GuestPolicy } from '../../src/core/access/roles.js';
import { Library, type LibraryOptions } from '../../src/core/library.js';
import { META_DIR } from '../../src/core/library/owners.js';
import { Chat } from '../../src/core/chat/chat.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import { FtpDoor, type FtpDoorOptions } from '../../src/doors/ftp/door.js';
import type { TransferRecord } from '../../src/doors/ftp/session.js';
import { silentLogger } from '../../src/log.js';
import { ACCESS_FILE, SqliteAccessStore } from '../../src/store/access-sqlite.js';
import { tempDir } from './seedfiles.js';
import { FtpLines } from './ftp-lines.js';

/** A running FTP door on a fresh temp library, with every room event and transfer recorded. */
export interface FtpFixture {
  readonly dir: string;
  readonly root: string;
  readonly chat: Chat;
  readonly library: Library;
  readonly door: FtpDoor;
  readonly port: number;
  readonly events: ChatEvent[];
  readonly transfers: TransferRecord[];
  /** Accounts and bans, when the fixture was started with `accounts` or `guests`. */
  readonly access: Access | undefined;
  /** Resolves with the first transfer record (already seen or still to come) that passes `test`. */
  transfer(test: (t: TransferRecord) => boolean): Promise<TransferRecord>;
  close(): Promise<void>;
}

/** Options of {@link startFtpDoor}. */
export interface FtpFixtureOptions {
  door?: Partial<FtpDoorOptions>;
  library?: LibraryOptions;
  /** Accounts to create (name -> role; the password is {@link PASSWORD}): the door then has an access store. */
  accounts?: Readonly<Record<string, AccountRole>>;
  /** `--guests` for the library and the access store (gives the door an access store too). */
  guests?: GuestPolicy;
  /** `--allow-plaintext-passwords`. */
  allowPlaintextPasswords?: boolean;
}

/** The password of every account a fixture creates. */
export const PASSWORD = 'correct horse battery';

/** Start an FTP door on 127.0.0.1 port 0 over `<tmp>/lib`; `<tmp>` itself is there to check nothing escapes. */
export async function startFtpDoor(options: FtpFixtureOptions = {}): Promise<FtpFixture> {
  const dir = await tempDir('netroom-ftp-');
  const root = path.join(dir, 'lib');
  const guests = options.guests ?? 'on';
  const library = new Library(root, { guests, ...options.library });
  await library.init();
  const chat = new Chat();
  let access: Access | undefined;
  let dataDir: string | undefined;
  if (options.accounts !== undefined || options.guests !== undefined) {
    // The access store in a folder of its own: `dir` is where tests look for anything escaping the library.
    dataDir = await tempDir('netroom-ftp-data-');
    access = new Access(SqliteAccessStore.open(path.join(dataDir, ACCESS_FILE)), { guests });
    for (const [name, role] of Object.entries(options.accounts ?? {})) await access.accounts.add(name, PASSWORD, role);
    chat.useAccess(access);
  }
  const events: ChatEvent[] = [];
  chat.subscribe((e) => events.push(e));
  const ctx = {
    chat,
    library,
    lang: 'en' as const,
    log: silentLogger(),
    ...(access === undefined ? {} : { access }),
    ...(options.allowPlaintextPasswords === undefined ? {} : { allowPlaintextPasswords: options.allowPlaintextPasswords }),
  };
  const door = new FtpDoor(ctx, { host: '127.0.0.1', port: 0, ...options.door });
  const transfers: TransferRecord[] = [];
  const waiters = new Set<{ test: (t: TransferRecord) => boolean; resolve: (t: TransferRecord) => void }>();
  door.on('transfer', (record) => {
    transfers.push(record);
    for (const w of waiters) {
      if (!w.test(record)) continue;
      waiters.delete(w);
      w.resolve(record);
    }
  });
  await door.listen();
  return {
    dir,
    root,
    chat,
    library,
    door,
    port: door.address().port,
    events,
    transfers,
    access,
    transfer(test) {
      const seen = transfers.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ test, resolve }));
    },
    async close() {
      await door.close();
      access?.close();
      await fs.rm(dir, { recursive: true, force: true });
      if (dataDir !== undefined) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A basic-ftp client logged in anonymously. */
export async function ftpClient(port: number, user = 'anonymous', password = 'test@example.com'): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port, user, password });
  return client;
}

export type { FtpReply } from './ftp-lines.js';

/** A raw control connection: send a line, read the next complete (possibly multi-line) reply. */
export class RawFtp extends FtpLines {
  /** Connect (from `localAddress`, another loopback address, to test per-address rules). */
  static async connect(port: number, localAddress?: string): Promise<RawFtp> {
    const socket = net.connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
    await once(socket, 'connect');
    const raw = new RawFtp(socket);
    await raw.reply(); // 220
    return raw;
  }

  /** Connect over IPv6 loopback. */
  static async connect6(port: number): Promise<RawFtp> {
    const socket = net.connect({ host: '::1', port });
    await once(socket, 'connect');
    const raw = new RawFtp(socket);
    await raw.reply(); // 220
    return raw;
  }

  /** Connect and log in anonymously. */
  static async login(port: number, localAddress?: string): Promise<RawFtp> {
    const raw = await RawFtp.connect(port, localAddress);
    await raw.expect('USER anonymous', 331);
    await raw.expect('PASS x@y', 230);
    return raw;
  }

  /** Connect and sign in as an account the fixture made (password {@link PASSWORD}). */
  static async signIn(port: number, user: string): Promise<RawFtp> {
    const raw = await RawFtp.connect(port);
    await raw.expect(`USER ${user}`, 331);
    await raw.expect(`PASS ${PASSWORD}`, 230);
    return raw;
  }

  /** EPSV, then connect the data socket (before the transfer command, as most clients do). */
  async passive(): Promise<net.Socket> {
    const reply = await this.expect('EPSV', 229);
    const port = Number(/\(\|\|\|(\d+)\|\)/u.exec(reply.text)?.[1]);
    const data = net.connect({ host: this.socket.remoteAddress!, port });
    data.on('error', () => undefined);
    await once(data, 'connect');
    return data;
  }
}

/** Everything a socket sends until it closes. */
export async function readAll(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

/** Collects a download in memory. */
export function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** True when a command-line tool is on the PATH. */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The library's files and folders under `root`, every name including hidden ones, sorted; but for
 * the library's own metadata folder `.netroom` (who made each file), wherever the root is in the tree.
 */
export async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name === META_DIR) continue;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      out.push(entry.isDirectory() ? `${rel}/` : rel);
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
    }
  }
  await walk(root, '');
  return out.sort();
}

/**
 * Make the door's uploads meet a full disk: each upload's file takes the bytes before `room`, then
 * every write reaching past it fails with ENOSPC as the kernel's would (the core maps it to
 * DISK_FULL). Reaches into the door's upload store: a real full file system needs root to mount.
 * Returns a function that gives the disk back.
 */
export function fillDisk(f: FtpFixture, room: number): () => void {
  const uploads = (f.door as unknown as { continuations: Continuations }).continuations;
  const begin = uploads.begin.bind(uploads);
  uploads.begin = async (input, start) => {
    const upload = await begin(input, start);
    const handle = (upload as unknown as { handle: fs.FileHandle }).handle;
    const write = handle.write.bind(handle) as (buffer: Uint8Array, offset: number, length: number, position: number) => Promise<unknown>;
    const full = (buffer: Uint8Array, offset: number, length: number, position: number): Promise<unknown> =>
      position + length > room ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : write(buffer, offset, length, position);
    Object.assign(handle, { write: full });
    return upload;
  };
  return () => {
    delete (uploads as Partial<Continuations>).begin; // the prototype's again
  };
}
