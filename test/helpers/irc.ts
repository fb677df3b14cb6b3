// Test helpers for the IRC door: a raw line client, an irc-framework client, an in-memory history, and a rig on port 0.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lang } from '../../src/core/i18n.js';
import { Library } from '../../src/core/library.js';
import type { FloodLimit } from '../../src/core/limits.js';
import { Chat } from '../../src/core/chat/chat.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import type { DoorContext } from '../../src/doors/door.js';
import { IrcDoor, type IrcDoorOptions } from '../../src/doors/irc/door.js';
import { UdpDoor } from '../../src/doors/udp/door.js';
import { silentLogger } from '../../src/log.js';
import type { HistoryStore } from '../../src/store/history.js';
import { SqliteHistory } from '../../src/store/sqlite.js';
import { TestUdpClient } from './udp.js';
import { perTest } from './per-test.js';
import { Waker } from './waker.js';

/** Default wait for a line; a miss fails the test with what did arrive (never a sleep). */
export const WAIT_MS = 5000;
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** One received line, split the simple way (enough for assertions; the door's own codec is tested apart). */
export interface Line {
  readonly raw: string;
  readonly tags: string | undefined;
  readonly source: string | undefined;
  readonly command: string;
  readonly params: string[];
}

/** Split a line into tags, source, command and params (trailing included). */
export function splitLine(raw: string): Line {
  let rest = raw;
  let tags: string | undefined;
  let source: string | undefined;
  if (rest.startsWith('@')) {
    tags = rest.slice(1, rest.indexOf(' '));
    rest = rest.slice(rest.indexOf(' ') + 1);
  }
  if (rest.startsWith(':')) {
    source = rest.slice(1, rest.indexOf(' '));
    rest = rest.slice(rest.indexOf(' ') + 1);
  }
  const colon = rest.indexOf(' :');
  const head = colon < 0 ? rest : rest.slice(0, colon);
  const [command = '', ...params] = head.split(' ').filter((p) => p !== '');
  if (colon >= 0) params.push(rest.slice(colon + 2));
  return { raw, tags, source, command, params };
}

/** A raw TCP client speaking lines, with an inbox that tests await. */
export class RawIrcClient {
  readonly lines: Line[] = [];
  /** Every line received, for assertions over the whole conversation. */
  readonly all: string[] = [];
  private buffer = '';
  private readonly waker = new Waker();
  closed = false;
  /** Answer the server's PINGs as they arrive (the lines are still recorded). */
  autoPong = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (data: string) => {
      this.buffer += data;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const raw = this.buffer.slice(0, nl).replace(/\r$/u, '');
        this.buffer = this.buffer.slice(nl + 1);
        this.all.push(raw);
        const line = splitLine(raw);
        this.lines.push(line);
        if (this.autoPong && line.command === 'PING') this.send(`PONG :${line.params[0] ?? ''}`);
      }
      this.waker.wake();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.waker.wake();
        resolve();
      }),
    );
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawIrcClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawIrcClient(socket);
  }

  /** Send one line (CR LF added) or raw bytes as they are. */
  send(line: string | Buffer): void {
    this.socket.write(typeof line === 'string' ? line + '\r\n' : line);
  }

  /** Skip lines until one matches (a string means: this command or numeric); returns it. */
  async waitFor(match: string | ((line: Line) => boolean), timeoutMs = WAIT_MS): Promise<Line> {
    const test = typeof match === 'string' ? (line: Line) => line.command === match : match;
    const deadline = Date.now() + timeoutMs;
    const skipped: string[] = [];
    for (;;) {
      const line = this.lines.shift();
      if (line) {
        if (test(line)) return line;
        skipped.push(line.raw);
        continue;
      }
      if (this.closed) throw new Error(`connection closed before ${String(match)}; got ${JSON.stringify(skipped)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching ${String(match)} within ${timeoutMs} ms; got ${JSON.stringify(skipped)}`);
      await this.waker.wait(left);
    }
  }

  /** The next line, whatever it is. */
  next(timeoutMs = WAIT_MS): Promise<Line> {
    return this.waitFor(() => true, timeoutMs);
  }

  /** Send a line and return the first reply matching `match`. */
  async request(line: string, match: string | ((line: Line) => boolean)): Promise<Line> {
    this.send(line);
    return this.waitFor(match);
  }

  /**
   * A PING round trip: every line the server sent before our PONG arrives has arrived too, so
   * "nothing else came" can be asserted without waiting on a clock.
   */
  async sync(token = `sync${Date.now()}`): Promise<Line[]> {
    this.send(`PING ${token}`);
    const before: Line[] = [];
    await this.waitFor((line) => {
      if (line.command === 'PONG' && line.params.at(-1) === token) return true;
      before.push(line);
      return false;
    });
    return before;
  }

  /** NICK + USER (optionally with CAP LS/REQ/END first); resolves with the 001 line. */
  async register(nick: string, caps: readonly string[] | null = null): Promise<Line> {
    if (caps !== null) {
      this.send('CAP LS 302');
      await this.waitFor((l) => l.command === 'CAP' && l.params[1] === 'LS');
      if (caps.length > 0) {
        this.send(`CAP REQ :${caps.join(' ')}`);
        await this.waitFor((l) => l.command === 'CAP' && l.params[1] === 'ACK');
      }
    }
    this.send(`NICK ${nick}`);
    this.send(`USER ${nick.replace(/[^a-z]/giu, '') || 'u'} 0 * :Test ${nick}`);
    if (caps !== null) this.send('CAP END');
    return this.waitFor('001');
  }

  /** Register and JOIN #lobby, up to 366; returns what followed (the history replay), consumed. */
  async joinLobby(nick: string, caps: readonly string[] | null = null): Promise<Line[]> {
    await this.register(nick, caps);
    this.send('JOIN #lobby');
    await this.waitFor('366');
    return this.sync();
  }

  /** Resolves when the server has closed the connection. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Minimal typing of irc-framework's Client (the package ships no types). */
export interface FrameworkClient {
  connect(options: Record<string, unknown>): void;
  on(event: string, listener: (event: Record<string, unknown>) => void): void;
  once(event: string, listener: (event: Record<string, unknown>) => void): void;
  join(channel: string): void;
  say(target: string, text: string): void;
  notice(target: string, text: string): void;
  action(target: string, text: string): void;
  quit(message?: string): void;
  raw(line: string): void;
  changeNick(nick: string): void;
  user: { nick: string };
  network: { cap: { enabled: string[] }; options: Record<string, unknown> };
  connection: { connected: boolean };
}

const requireCjs = createRequire(import.meta.url);
const { Client } = requireCjs('irc-framework') as { Client: new (options?: Record<string, unknown>) => FrameworkClient };

/** An irc-framework client connected and registered; `extra` goes to connect() (e.g. enable_echomessage). */
export async function frameworkClient(port: number, nick: string, extra: Record<string, unknown> = {}): Promise<FrameworkClient> {
  const client = new Client();
  const registered = new Promise<void>((resolve, reject) => {
    client.once('registered', () => resolve());
    client.once('close', () => reject(new Error(`${nick}: closed before registration`)));
  });
  client.connect({ host: '127.0.0.1', port, nick, username: 'fw', gecos: `framework ${nick}`, auto_reconnect: false, ...extra });
  await registered;
  return client;
}

/** Resolves with the first `event` whose data passes `test`. */
export function frameworkEvent(client: FrameworkClient, event: string, test: (e: Record<string, unknown>) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(event, (e) => {
      if (done || !test(e)) return;
      done = true;
      clearTimeout(timer);
      resolve(e);
    });
  });
}

/** A room with an IRC door (and optionally a UDP door) on 127.0.0.1 port 0. */
export interface IrcRig {
  readonly chat: Chat;
  readonly door: IrcDoor;
  readonly port: number;
  readonly history: HistoryStore;
  readonly ctx: DoorContext;
  /** Room events, in order, as every door hears them. */
  readonly events: ChatEvent[];
  client(): Promise<RawIrcClient>;
  /** A raw client, registered (no CAP unless `caps`) and joined to #lobby, its history replay consumed. */
  member(nick: string, caps?: readonly string[] | null): Promise<RawIrcClient>;
  framework(nick: string, extra?: Record<string, unknown>): Promise<FrameworkClient>;
  /** A UDP door on the same room (started on first use) and a client of it. */
  udpClient(): Promise<TestUdpClient>;
  close(): Promise<void>;
}

/** Options of {@link startIrcRig}: door options plus the room's. */
export interface IrcRigOptions extends Partial<Omit<IrcDoorOptions, 'host' | 'port'>> {
  lang?: Lang;
  flood?: FloodLimit | null;
  /** No history store in the context (default: an in-memory one). */
  noHistory?: boolean;
  /** Use this history store (e.g. SQLite) instead of an in-memory one; the caller closes it. */
  history?: HistoryStore;
}

/** Start a room, an in-memory history subscribed first (as the server does), and an IRC door. */
export async function startIrcRig(options: IrcRigOptions = {}): Promise<IrcRig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-irc-'));
  const chat = new Chat({ flood: options.flood ?? null });
  const history = options.history ?? SqliteHistory.open(join(dir, 'data'));
  const ownHistory = options.history === undefined;
  const events: ChatEvent[] = [];
  chat.subscribe((event) => {
    history.append(event);
    events.push(event);
  });
  const ctx: DoorContext = {
    chat,
    library: new Library(dir),
    lang: options.lang ?? 'en',
    log: silentLogger(),
    ...(options.noHistory ? {} : { history }),
  };
  const doorOptions: Partial<IrcDoorOptions> = { ...options };
  for (const key of ['lang', 'flood', 'noHistory', 'history'] as const) delete (doorOptions as Record<string, unknown>)[key];
  const door = new IrcDoor(ctx, { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, ...doorOptions });
  await door.listen();
  const port = door.address().port;
  const raws: RawIrcClient[] = [];
  const frameworks: FrameworkClient[] = [];
  const udps: TestUdpClient[] = [];
  let udp: UdpDoor | undefined;
  const client = async (): Promise<RawIrcClient> => {
    const c = await RawIrcClient.open(port);
    raws.push(c);
    return c;
  };
  return {
    chat,
    door,
    port,
    history,
    ctx,
    events,
    client,
    async member(nick, caps = null) {
      const c = await client();
      await c.joinLobby(nick, caps);
      return c;
    },
    async framework(nick, extra = {}) {
      const c = await frameworkClient(port, nick, extra);
      frameworks.push(c);
      return c;
    },
    async udpClient() {
      if (!udp) {
        udp = new UdpDoor(ctx, { host: '127.0.0.1', port: 0 });
        await udp.listen();
      }
      const c = await TestUdpClient.open(udp.address().port);
      udps.push(c);
      return c;
    },
    async close() {
      for (const c of frameworks) if (c.connection.connected) c.quit('bye');
      await door.close();
      await udp?.close();
      raws.forEach((c) => c.close());
      udps.forEach((c) => c.close());
      if (ownHistory) history.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A rig per test: the returned `start` opens one; it is closed after each test of the calling file. */
export function rigPerTest(): (options?: IrcRigOptions) => Promise<IrcRig> {
  return perTest(startIrcRig);
}

