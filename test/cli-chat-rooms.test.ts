// `netroom chat` over WebSocket with rooms and direct messages, driven through streams against a real server: /join /part /switch /rooms /who /topic /msg /query /history /search /help.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { chatUrl } from '../src/client/http.js';
import { WsChatClient } from '../src/client/ws.js';
import { runWsChat } from '../src/cli/chat.js';
import { resolveConfig } from '../src/config.js';
import type { WireEvent } from '../src/doors/ws/messages.js';
import { createLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { Inbox } from './contract/inbox.js';
import { Proxy, Screen, WAIT_MS, startNetroom } from './helpers/netroom.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server with WebSocket chat, `history` events shown on entering or joining, no flood limit (tests say many lines). */
async function startServer(history = 50): Promise<{ base: string; server: NetroomServer }> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-chat-rooms-'));
  const config = resolveConfig(
    { port: '0', http: '0', irc: 'off', ftp: 'off', dir: path.join(top, 'files'), data: path.join(top, 'data'), logLevel: 'silent', history: String(history), flood: 'off' },
    {},
  );
  const server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  cleanups.push(async () => {
    await server.stop();
    await fs.rm(top, { recursive: true, force: true });
  });
  const http = statuses.find((s) => s.door === 'http');
  if (http?.state !== 'listening') throw new Error('no HTTP door listening');
  return { base: `http://127.0.0.1:${http.address.port}`, server };
}

/** A member entered with the client; `hear` awaits a notice it receives, in order. */
async function member(base: string, name: string): Promise<{ client: WsChatClient; hear: (notice: string) => Promise<WireEvent> }> {
  const client = new WsChatClient({ url: chatUrl(base) });
  cleanups.push(() => Promise.resolve(client.close()));
  await client.connect();
  await client.enter(name);
  const heard = new Inbox<WireEvent>(name);
  client.on('event', (e) => heard.push(e));
  return { client, hear: (notice) => heard.waitFor((e) => e.notice === notice, WAIT_MS) };
}

/** A `netroom chat` session on streams, entered as `name`. */
async function session(base: string, name: string, extra: { terminal?: boolean; client?: object } = {}) {
  const input = new PassThrough();
  const screen = new Screen();
  const errors = new Screen();
  const done = runWsChat({ url: chatUrl(base), input, output: screen.stream, errorOutput: errors.stream, ...extra });
  input.write(`${name}${extra.terminal === true ? '\r' : '\n'}`);
  await screen.waitFor(`you are in #lobby as ${name}`);
  /** Type a line and wait for `answer` to show after what is on screen now; returns where the screen was. */
  const type = async (line: string, answer: string | RegExp): Promise<number> => {
    const mark = screen.text.length;
    input.write(`${line}${extra.terminal === true ? '\r' : '\n'}`);
    await screen.waitFor(answer, mark);
    return mark;
  };
  return { input, screen, errors, done, type };
}

/** The lines of the block that starts with `--- title ---` after `from`, up to its `--- now ---`. */
function block(text: string, title: string, from = 0): string[] {
  const start = text.indexOf(`--- ${title} ---\n`, from);
  if (start < 0) throw new Error(`no block ${title} in ${JSON.stringify(text)}`);
  const body = text.slice(start + title.length + 9);
  return body.slice(0, body.indexOf('--- now ---\n')).split('\n').filter((l) => l !== '');
}

describe('netroom chat: rooms', () => {
  it('joins (current room), names other rooms on their lines, switches, lists rooms, who, topic, parts', async () => {
    const { base } = await startServer();
    const bob = await member(base, 'bob');
    const alice = await session(base, 'alice');
    await alice.type('/join #dev', 'you joined #dev (nobody else is here)');
    await bob.client.join('#dev');
    await alice.screen.waitFor(/\] bob joined #dev\n/u);
    alice.input.write('hello dev\n'); // said: nothing to show
    await bob.hear('[#dev] alice: hello dev'); // the plain line went to the current room, #dev

    // A line of the current room reads as in one room; another room's line names its room.
    bob.client.say('from the lobby', { room: '#lobby' });
    await alice.screen.waitFor(/\] \[#lobby\] bob: from the lobby\n/u);
    bob.client.say('from dev', { room: '#dev' });
    await alice.screen.waitFor(/\] bob: from dev\n/u);
    expect(alice.screen.text).not.toContain('[#dev] bob: from dev');

    await alice.type('/who', /in #dev \(2\): (alice, bob|bob, alice)\n/u);
    await alice.type('/who #lobby', /in #lobby \(2\): (alice, bob|bob, alice)\n/u);
    await alice.type('/who *', /online \(2\): (alice, bob|bob, alice)\n/u);
    await alice.type('/topic', '#dev has no topic');
    await alice.type('/topic release on friday', 'alice set the topic of #dev: release on friday');
    await alice.type('/topic', 'topic of #dev: release on friday');
    const listed = await alice.type('/rooms', 'rooms (2):\n');
    await alice.screen.waitFor('#lobby (2)', listed);
    expect(alice.screen.text.slice(listed)).toMatch(/rooms \(2\):\n(\* #dev \(2\): release on friday\n\* #lobby \(2\)\n|\* #lobby \(2\)\n\* #dev \(2\): release on friday\n)/u);

    await alice.type('/switch #lobby', '(now in #lobby)');
    alice.input.write('in the lobby now\n'); // said: nothing to show
    await bob.hear('alice: in the lobby now'); // #lobby's notices never named it (old clients)
    await alice.type('/go dev', '(now in #dev)'); // the # may be left out
    await alice.type('/switch #nowhere', '(you are not in #nowhere: /join #nowhere first)');
    await alice.type('/part', 'you left #dev; now in #lobby');
    await bob.hear('alice left #dev');
    await alice.type('/rooms', /\n {2}#dev \(1\): release on friday\n/u); // listed, no longer ours
    alice.input.write('/quit\n');
    expect(await alice.done).toBe(0);
    expect(alice.errors.text).toBe('');
  });

  it('a key opens a +k room; bad room commands and arguments are refused with a clear line and change nothing', async () => {
    const { base, server } = await startServer();
    const bob = await member(base, 'bob');
    await bob.client.join('#vault');
    const holder = server.chat.find('bob');
    if (holder === undefined) throw new Error('bob is not connected');
    server.chat.setModes(holder, '#vault', [{ mode: 'k', on: true, arg: 'sesame' }]);
    const alice = await session(base, 'alice');
    await alice.type('/join #vault', /refused: .+ \(BAD_KEY\)\n/u);
    await alice.type('/join #vault wrong', /refused: .+ \(BAD_KEY\)\n/u);
    await alice.type('/join #vault sesame', 'you joined #vault with bob');
    await alice.type('/join #no,commas', /refused: .+ \(BAD_ROOM\)\n/u);
    await alice.type('/part #nowhere', /refused: .+ \((NO_SUCH_ROOM|NOT_IN_ROOM)\)\n/u);
    await alice.type('/join', '(usage: /join #room [key])');
    await alice.type('/join #a b c', '(usage: /join #room [key])');
    await alice.type('/switch', '(usage: /switch #room)');
    await alice.type('/who #a #b', '(usage: /who [#room | *])');
    await alice.type('/history please', '(usage: /history)');
    await alice.type('/search', '(usage: /search WORDS)');
    await alice.type('/dance', '(unknown command /dance: /help lists the commands)');
    // Still in #vault, lines still go there.
    alice.input.write('still here\n'); // said: nothing to show
    await bob.hear('[#vault] alice: still here');
    alice.input.end();
    expect(await alice.done).toBe(0);
  });

  it('/help lists every command', async () => {
    const { base } = await startServer();
    const alice = await session(base, 'alice');
    const at = await alice.type('/help', 'commands:');
    await alice.screen.waitFor('//text', at);
    const help = alice.screen.text.slice(at);
    for (const command of ['/join #room [key]', '/part [#room]', '/switch #room', '/go', '/rooms', '/who [#room | *]', '/topic [text]', '/msg NAME TEXT', '/query [NAME]', '/history', '/search WORDS', '/help', '/quit']) {
      expect(help).toContain(command);
    }
    alice.input.end();
    expect(await alice.done).toBe(0);
  });

  it('in a terminal the prompt names the current room or conversation', async () => {
    const { base } = await startServer();
    await member(base, 'bob');
    const alice = await session(base, 'alice', { terminal: true });
    await alice.screen.waitFor('#lobby> ');
    await alice.type('/join #dev', '#dev> ');
    await alice.type('/query bob', '@bob> ');
    await alice.type('/query', '#dev> ');
    alice.input.write('/quit\r');
    expect(await alice.done).toBe(0);
  });
});

describe('netroom chat: direct messages', () => {
  it('/msg and /query go privately; our copy reads -> bob; to nobody is NO_SUCH_MEMBER', async () => {
    const { base } = await startServer();
    const bob = await member(base, 'bob');
    const alice = await session(base, 'alice');
    await alice.type('/msg bob psst  quietly', /\] -> bob: psst {2}quietly\n/u);
    await bob.hear('alice (private): psst  quietly');
    bob.client.say('what is it', { to: 'alice' });
    await alice.screen.waitFor(/\] bob \(private\): what is it\n/u);
    await alice.type('/msg nobody hi', /not sent: .+ \(NO_SUCH_MEMBER\)\n/u);
    await alice.type('/msg bob', '(usage: /msg NAME TEXT)');
    await alice.type('/msg #lobby hi', '(usage: /msg NAME TEXT)');

    // /query shows the conversation so far, then plain lines go to bob only.
    const before = alice.screen.text.length;
    await alice.type('/query bob', '(talking privately with bob');
    expect(block(alice.screen.text, 'conversation with bob', before)).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d\] -> bob: psst {2}quietly$/u),
      expect.stringMatching(/^\[\d\d:\d\d\] bob \(private\): what is it$/u),
    ]);
    await alice.type('only for bob', /\] -> bob: only for bob\n/u);
    await bob.hear('alice (private): only for bob');
    bob.client.say('in public', { room: '#lobby' });
    await alice.screen.waitFor(/\] \[#lobby\] bob: in public\n/u); // no current room during a query: rooms are named
    await alice.type('/query', '(back in #lobby)');
    alice.input.write('public again\n'); // said: nothing to show
    await bob.hear('alice: public again');
    await alice.type('/query #lobby', '(usage: /query [NAME])');
    alice.input.end();
    expect(await alice.done).toBe(0);
  });
});

describe('netroom chat: history pages and search', () => {
  it('/history pages back from the oldest line shown until the beginning', async () => {
    const { base } = await startServer(3);
    const bob = await member(base, 'bob');
    await bob.client.join('#dev');
    for (let i = 1; i <= 30; i++) bob.client.say(`m${i}`, { room: '#dev' });
    await bob.client.who('#dev'); // answered after every line before it was kept
    const alice = await session(base, 'alice');
    const pages: number[] = [];
    const mark = (): number => pages.push(alice.screen.text.length);
    mark();
    await alice.type('/join #dev', 'you joined #dev with bob');
    mark();
    await alice.type('/history', '--- now ---');
    mark();
    await alice.type('/history', '(that is the beginning of #dev)');
    await alice.type('/history', '(nothing older in #dev)');
    const said = (lines: string[]): string[] => lines.map((l) => /\] bob: (m\d+)$/u.exec(l)?.[1]).filter((m): m is string => m !== undefined);
    const recent = said(block(alice.screen.text, 'recent history', pages[0]));
    const older = said(block(alice.screen.text, 'older messages of #dev', pages[1]));
    const oldest = block(alice.screen.text, 'older messages of #dev', pages[2]);
    expect(recent).toHaveLength(2); // the last three events less our own entrance
    expect(older).toHaveLength(20);
    expect(oldest[0]).toMatch(/\] bob joined #dev$/u);
    // Every line once, in order, across the three pages.
    expect([...said(oldest), ...older, ...recent]).toEqual(Array.from({ length: 30 }, (_, i) => `m${i + 1}`));
    alice.input.end();
    expect(await alice.done).toBe(0);
  });

  it('/search finds lines in public rooms and our conversations, each named by its room or as private', async () => {
    const { base } = await startServer();
    const bob = await member(base, 'bob');
    await bob.client.join('#dev');
    bob.client.say('the quick brown fox', { room: '#dev' });
    await bob.client.who('#dev');
    const alice = await session(base, 'alice');
    await alice.type('/msg bob a fox in private', /-> bob: a fox in private\n/u);
    const at = await alice.type('/search fox', 'search "fox": 2 found, oldest first');
    await alice.screen.waitFor('--- now ---', at);
    expect(block(alice.screen.text, 'search "fox": 2 found, oldest first', at)).toEqual([
      expect.stringMatching(/^\[\d\d-\d\d \d\d:\d\d\] \[#dev\] bob: the quick brown fox$/u),
      expect.stringMatching(/^\[\d\d-\d\d \d\d:\d\d\] -> bob: a fox in private$/u),
    ]);
    await alice.type('/search zebra', '(nothing found for "zebra")');
    alice.input.end();
    expect(await alice.done).toBe(0);
  });
});

describe('netroom chat: reconnecting with rooms', () => {
  it('after a dropped connection shows what was missed in every room and conversation', async () => {
    const { base } = await startServer();
    const proxy = await Proxy.start(Number(new URL(base).port));
    cleanups.push(() => proxy.close());
    const bob = await member(base, 'bob');
    await bob.client.join('#dev');
    const dave = await session(proxy.base, 'dave', { client: { initialDelayMs: 20 } });
    await dave.type('/join #dev', 'you joined #dev with bob');
    proxy.hold();
    proxy.cutClients(); // the server still thinks dave's old connection is fine
    await dave.screen.waitFor('(the connection was lost; reconnecting in 20 ms)');
    await proxy.waitAccepted(2);
    bob.client.say('missed in dev', { room: '#dev' });
    bob.client.say('missed in the lobby', { room: '#lobby' });
    bob.client.say('missed privately', { to: 'dave' });
    await bob.client.who();
    const mark = dave.screen.text.length;
    proxy.release();
    await dave.screen.waitFor('(reconnected: you are dave again, in #lobby, #dev)', mark);
    expect(block(dave.screen.text, 'while you were away', mark)).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d\] bob: missed in dev$/u), // #dev is still the current room
      expect.stringMatching(/^\[\d\d:\d\d\] \[#lobby\] bob: missed in the lobby$/u),
      expect.stringMatching(/^\[\d\d:\d\d\] bob \(private\): missed privately$/u),
    ]);
    dave.input.write('back in dev\n'); // said: nothing to show
    await bob.hear('[#dev] dave: back in dev');
    dave.input.end();
    expect(await dave.done).toBe(0);
  });

  it('after a server restart joins its rooms again and keeps the current room', async () => {
    const rig = await startNetroom();
    cleanups.push(() => rig.close());
    const proxy = await Proxy.start(rig.port);
    cleanups.push(() => proxy.close());
    const gina = await session(proxy.base, 'gina', { client: { initialDelayMs: 20 } });
    await gina.type('/join #dev', 'you joined #dev');
    proxy.hold(); // reconnect attempts wait at the proxy until the new server is up
    const restarted = rig.restart();
    await gina.screen.waitFor('the server is closing');
    await restarted;
    proxy.targetPort = rig.port;
    proxy.release();
    await gina.screen.waitFor('(reconnected: you are gina again, in #lobby, #dev)');
    expect(rig.chat.members('#dev').map((m) => m.name)).toEqual(['gina']);
    const bob = await member(rig.base, 'bob');
    await bob.client.join('#dev');
    gina.input.write('still in dev\n'); // said: nothing to show
    await bob.hear('[#dev] gina: still in dev');
    gina.input.write('/quit\n');
    expect(await gina.done).toBe(0);
  });
});
