// Test helpers for the WebSocket door: a ws client that awaits server messages, and a room + Fastify + wsPlugin rig.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket, type ClientOptions } from 'ws';
import { perTest } from './per-test.js';
import type { Lang } from '../../src/core/i18n.js';
import { Library } from '../../src/core/library.js';
import type { FloodLimit } from '../../src/core/limits.js';
import { Chat, type RoomPolicy } from '../../src/core/chat/chat.js';
import { Access } from '../../src/core/access/access.js';
import type { GuestPolicy } from '../../src/core/access/roles.js';
import { Moderation } from '../../src/core/chat/moderation.js';
import { ACCESS_FILE, SqliteAccessStore } from '../../src/store/access-sqlite.js';
import type { DoorContext } from '../../src/doors/door.js';
import type { WsOptions } from '../../src/doors/ws/door.js';
import type { ServerMessage, WireEvent } from '../../src/doors/ws/messages.js';
import { wsPlugin, type WsPlugin } from '../../src/doors/ws/plugin.js';
import { silentLogger } from '../../src/log.js';
import type { HistoryStore } from '../../src/store/history.js';
import { SqliteHistory } from '../../src/store/sqlite.js';
import { Waker } from './waker.js';

/** Default wait for a message; a miss fails the test with what did arrive (never a sleep). */
export const WAIT_MS = 5000;

type Welcome = Extract<ServerMessage, { type: 'welcome' }>;
type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

/** How a connection ended: the close code and reason the client saw. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A ws client whose every server message is logged; tests await the next one or one matching. */
export class TestWsClient {
  /** Every message received, in order. */
  readonly log: ServerMessage[] = [];
  /** Settles when the connection closes. */
  readonly closed: Promise<Closed>;
  private cursor = 0;
  private readonly waker = new Waker();

  private constructor(readonly ws: WebSocket) {
    // Every socket has an error listener; the test fails on its own expectations.
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary) => {
      this.log.push(JSON.parse(isBinary ? '{"type":"binary?"}' : data.toString('utf8')) as ServerMessage);
      this.waker.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.waker.wake();
      }),
    );
  }

  /** Connect and wait for the upgrade (not for `hello`: that is the first message in the log). */
  static async open(url: string, options: ClientOptions = {}): Promise<TestWsClient> {
    const ws = new WebSocket(url, options);
    const client = new TestWsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  /** Send a message object as JSON, or raw text / bytes as given. */
  send(data: object | string | Buffer, options: { binary?: boolean } = {}): void {
    const payload = typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
    this.ws.send(payload, { binary: options.binary ?? false });
  }

  /** The next message not yet consumed. */
  async next(timeoutMs = WAIT_MS): Promise<ServerMessage> {
    return this.waitFor(() => true, timeoutMs);
  }

  /** Skip messages until one matches; returns it (the skipped ones stay in the log). */
  async waitFor<M extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, timeoutMs = WAIT_MS): Promise<M> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.log.length) {
        const message = this.log[this.cursor++] as ServerMessage;
        if (match(message)) return message as M;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching message within ${timeoutMs} ms (state ${this.ws.readyState}); log: ${JSON.stringify(this.log)}`);
      }
      await this.waker.wait(left);
    }
  }

  /** The next message of a type. */
  async nextOf<T extends ServerMessage['type']>(type: T, timeoutMs = WAIT_MS): Promise<Extract<ServerMessage, { type: T }>> {
    return this.waitFor((m) => m.type === type, timeoutMs);
  }

  /** The next event whose notice is `notice` (or matches the predicate). */
  async notice(match: string | ((notice: string) => boolean), timeoutMs = WAIT_MS): Promise<string> {
    const test = typeof match === 'string' ? (n: string) => n === match : match;
    const message = await this.waitFor((m) => m.type === 'event' && test(m.event.notice), timeoutMs);
    return message.type === 'event' ? message.event.notice : '';
  }

  /** Every event notice received so far. */
  notices(): string[] {
    return this.log.flatMap((m) => (m.type === 'event' ? [m.event.notice] : []));
  }

  /** Send `enter` and return the answer: a welcome or an error. */
  async tryEnter(name: string, resume?: string): Promise<Welcome | ErrorMessage> {
    this.send(resume === undefined ? { type: 'enter', name } : { type: 'enter', name, resume });
    return this.waitFor((m) => m.type === 'welcome' || m.type === 'error');
  }

  /** Send a request and return its answer: the next message of `type`, or the error it drew. */
  async ask<T extends ServerMessage['type']>(message: object, type: T): Promise<Extract<ServerMessage, { type: T }> | ErrorMessage> {
    this.send(message);
    return this.waitFor((m) => m.type === type || m.type === 'error');
  }

  /** The events received so far, for assertions on fields beyond the notice. */
  events(): WireEvent[] {
    return this.log.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  }

  /** Enter, failing the test unless welcomed. */
  async enter(name: string, resume?: string): Promise<Welcome> {
    const answer = await this.tryEnter(name, resume);
    if (answer.type !== 'welcome') throw new Error(`enter ${name}: ${JSON.stringify(answer)}`);
    return answer;
  }

  close(): void {
    this.ws.close();
  }
}

/** A room with the WebSocket door on a bare Fastify app on 127.0.0.1 port 0. */
export interface WsRig {
  readonly chat: Chat;
  readonly app: FastifyInstance;
  readonly plugin: WsPlugin;
  readonly history: SqliteHistory | undefined;
  readonly dataDir: string;
  readonly url: string;
  /** Accounts, sessions, bans (with `access` in the options). */
  readonly access: Access | undefined;
  readonly moderation: Moderation | undefined;
  client(options?: ClientOptions): Promise<TestWsClient>;
  /** Open a client, wait for hello, enter as `name`. */
  member(name: string): Promise<TestWsClient>;
  /** Close clients, the app, the store; the data folder too unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Options of {@link startWsRig}. */
export interface WsRigOptions {
  lang?: Lang;
  /** Flood control; default off so tests can speak freely. */
  flood?: FloodLimit | null;
  /** Keep history in SQLite under the data folder (as the server wires it: subscribed first). */
  history?: boolean;
  /** Reuse a data folder (a restart); default a new temp folder. */
  dataDir?: string;
  ws?: WsOptions;
  /** Attach with `await plugin(app)` instead of `app.register(plugin)`. */
  direct?: boolean;
  /** Who may create rooms (default open). */
  rooms?: RoomPolicy;
  /** Accounts and moderation over DATA/access.sqlite, as the server wires them (`guests` default on). */
  access?: { guests?: GuestPolicy };
  /** With `history`: the store the chat and the door get instead, wrapping the SQLite one (a slow store, say). */
  wrapHistory?: (store: HistoryStore) => HistoryStore;
}

/** Start a room, optional history and the WebSocket door for one test. */
export async function startWsRig(options: WsRigOptions = {}): Promise<WsRig> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'netroom-ws-')));
  const chat = new Chat({ flood: options.flood ?? null, rooms: options.rooms ?? 'open' });
  const history = options.history ? SqliteHistory.open(dataDir) : undefined;
  const store = history && options.wrapHistory ? options.wrapHistory(history) : history;
  if (store) {
    chat.restore(store);
    chat.subscribe((e) => store.append(e));
    chat.useMessages({ find: (id) => store.get(id) });
  }
  const access = options.access ? new Access(SqliteAccessStore.open(join(dataDir, ACCESS_FILE)), { guests: options.access.guests ?? 'on' }) : undefined;
  if (access) chat.useAccess(access);
  const moderation = access ? new Moderation(chat) : undefined;
  const ctx: DoorContext = { chat, library: new Library(dataDir), lang: options.lang ?? 'en', log: silentLogger(), history: store, access, moderation };
  const app = Fastify();
  const plugin = wsPlugin(ctx, options.ws);
  if (options.direct) await plugin(app);
  else await app.register(plugin);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `ws://127.0.0.1:${port}/ws`;
  const clients: TestWsClient[] = [];
  const client = async (clientOptions?: ClientOptions): Promise<TestWsClient> => {
    const c = await TestWsClient.open(url, clientOptions);
    clients.push(c);
    return c;
  };
  return {
    chat,
    app,
    plugin,
    history,
    dataDir,
    url,
    access,
    moderation,
    client,
    async member(name: string) {
      const c = await client();
      await c.nextOf('hello');
      await c.enter(name);
      return c;
    },
    async close(closeOptions = {}) {
      clients.forEach((c) => c.ws.terminate());
      await app.close();
      history?.close();
      access?.close();
      if (!closeOptions.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A start(options) for a test file whose tests each start their own rig; the rig is closed after each test. */
export function wsRigPerTest(): (options?: WsRigOptions) => Promise<WsRig> {
  return perTest(startWsRig);
}
