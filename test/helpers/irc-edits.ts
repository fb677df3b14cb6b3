// Test rig for edits, deletions and typing over IRC: one chat whose messages are found in a real SQLite history, the IRC door and the WebSocket door on port 0.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Chat } from '../../src/core/chat/chat.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import { Library } from '../../src/core/library.js';
import type { DoorContext } from '../../src/doors/door.js';
import { IrcDoor } from '../../src/doors/irc/door.js';
import { wsPlugin } from '../../src/doors/ws/plugin.js';
import { silentLogger } from '../../src/log.js';
import { SqliteHistory } from '../../src/store/sqlite.js';
import { ADMIN_TOKEN, RawIrcClient, type Line } from './irc.js';
import { perTest } from './per-test.js';
import { TestWsClient } from './ws.js';

/** What the IRCv3 tests of this feature negotiate: msgid on one's own echo, and the redaction capability. */
export const REDACT_CAPS = ['message-tags', 'echo-message', 'draft/message-redaction'] as const;

/** The rig: as the server wires it (history subscribed first, the chat's message lookup on the same store). */
export interface EditRig {
  readonly chat: Chat;
  readonly history: SqliteHistory;
  readonly events: ChatEvent[];
  readonly ircPort: number;
  /** A raw IRC client registered with `caps` (none: no CAP at all) and joined to #lobby, its replay consumed. */
  irc(nick: string, caps?: readonly string[] | null): Promise<RawIrcClient>;
  /** A WebSocket client entered as `name` (so in #lobby). */
  ws(name: string): Promise<TestWsClient>;
  close(): Promise<void>;
}

/** Start the rig on 127.0.0.1 port 0 in a temp folder. */
export async function startEditRig(): Promise<EditRig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-irc-edits-'));
  const history = SqliteHistory.open(join(dir, 'data'));
  const chat = new Chat({ flood: null, messages: { find: (id) => history.get(id) } });
  const events: ChatEvent[] = [];
  chat.subscribe((event) => {
    history.append(event);
    events.push(event);
  });
  const ctx: DoorContext = { chat, library: new Library(dir), lang: 'en', log: silentLogger(), history };
  const door = new IrcDoor(ctx, { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN });
  await door.listen();
  const app = Fastify();
  await app.register(wsPlugin(ctx));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws`;
  const raws: RawIrcClient[] = [];
  const wss: TestWsClient[] = [];
  return {
    chat,
    history,
    events,
    ircPort: door.address().port,
    async irc(nick, caps = null) {
      const c = await RawIrcClient.open(door.address().port);
      raws.push(c);
      await c.joinLobby(nick, caps);
      return c;
    },
    async ws(name) {
      const c = await TestWsClient.open(url);
      wss.push(c);
      await c.nextOf('hello');
      await c.enter(name);
      return c;
    },
    async close() {
      wss.forEach((c) => c.ws.terminate());
      await door.close();
      await app.close();
      raws.forEach((c) => c.close());
      history.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A rig per test, closed after each test of the calling file. */
export function editRigPerTest(): () => Promise<EditRig> {
  return perTest(startEditRig);
}

/** The tags of a line as a map (values as sent: the door's own values need no unescaping). */
export function tagsOf(line: Line): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (line.tags ?? '').split(';')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}

/** Say `text` in #lobby from `client` (which has echo-message and message-tags) and return the echo's msgid. */
export async function sayWithId(client: RawIrcClient, target: string, text: string): Promise<string> {
  client.send(`PRIVMSG ${target} :${text}`);
  const echo = await client.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === text);
  const id = tagsOf(echo)['msgid'];
  if (id === undefined) throw new Error(`no msgid on ${echo.raw}`);
  return id;
}
