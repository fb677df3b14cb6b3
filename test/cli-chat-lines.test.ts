// `netroom chat` lines over both doors of one real server: one wording for a refusal, [HH:MM] on live lines, the client's texts in the server's language or --lang.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatUrl } from '../src/client/http.js';
import { WsChatClient } from '../src/client/ws.js';
import { chatCommand, runUdpChat, runWsChat } from '../src/cli/chat.js';
import { parseErrorText } from '../src/client/udp.js';
import { refusalReason, stamp } from '../src/cli/chat-texts.js';
import { resolveConfig } from '../src/config.js';
import type { Lang } from '../src/core/i18n.js';
import { createLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { Screen } from './helpers/netroom.js';

/** A netroom server with its WebSocket chat (HTTP door) and UDP door on one room, in `lang`. */
interface Rig {
  readonly base: string;
  readonly udpPort: number;
  readonly server: NetroomServer;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(lang: Lang): Promise<Rig> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-chat-lines-'));
  const config = resolveConfig(
    { port: '0', http: '0', irc: 'off', ftp: 'off', dir: path.join(top, 'files'), data: path.join(top, 'data'), logLevel: 'silent', lang },
    {},
  );
  const server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  cleanups.push(async () => {
    await server.stop();
    await fs.rm(top, { recursive: true, force: true });
  });
  const portOf = (door: string): number => {
    const status = statuses.find((s) => s.door === door);
    if (status?.state !== 'listening') throw new Error(`no ${door} door listening`);
    return status.address.port;
  };
  return { base: `http://127.0.0.1:${portOf('http')}`, udpPort: portOf('udp'), server };
}

/** A member entered over WebSocket, to be already in the room. */
async function member(rig: Rig, name: string): Promise<WsChatClient> {
  const client = new WsChatClient({ url: chatUrl(rig.base) });
  cleanups.push(() => Promise.resolve(client.close()));
  await client.connect();
  await client.enter(name);
  return client;
}

function wsSession(rig: Rig, lang?: Lang, terminal = false) {
  const input = new PassThrough();
  const screen = new Screen();
  const done = runWsChat({ url: chatUrl(rig.base), input, output: screen.stream, errorOutput: screen.stream, terminal, ...(lang && { lang }) });
  return { input, screen, done };
}

function udpSession(rig: Rig, lang?: Lang, terminal = false) {
  const input = new PassThrough();
  const screen = new Screen();
  const done = runUdpChat({ host: '127.0.0.1', port: rig.udpPort, input, output: screen.stream, heartbeatMs: 0, terminal, ...(lang && { lang }) });
  return { input, screen, done };
}

/** The line of `text` that starts with `prefix`. */
function lineStarting(text: string, prefix: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(prefix));
}

describe('a refused name reads the same over WebSocket and UDP', () => {
  it('one line, made from the error code and message, whichever door', async () => {
    const rig = await startServer('en');
    await member(rig, 'web');
    const ws = wsSession(rig);
    ws.input.write('web\n');
    await ws.screen.waitFor('refused: ');
    const udp = udpSession(rig);
    udp.input.write('web\n');
    await udp.screen.waitFor('refused: ');
    const expected = 'refused: the name web is already in use (NAME_TAKEN)';
    expect(lineStarting(ws.screen.text, 'refused: ')).toBe(expected);
    expect(lineStarting(udp.screen.text, 'refused: ')).toBe(expected);
    ws.input.end();
    udp.input.end();
    expect(await ws.done).toBe(0);
    expect(await udp.done).toBe(0);
  });

  it('the same against a zh server, in Chinese, over both doors', async () => {
    const rig = await startServer('zh');
    await member(rig, 'web');
    const ws = wsSession(rig);
    ws.input.write('web\n');
    await ws.screen.waitFor('被拒绝: ');
    const udp = udpSession(rig, 'zh'); // UDP has no greeting: the language comes from --lang
    udp.input.write('web\n');
    await udp.screen.waitFor('被拒绝: ');
    expect(lineStarting(ws.screen.text, '被拒绝: ')).toBe('被拒绝: 该用户已存在 (NAME_TAKEN)');
    expect(lineStarting(udp.screen.text, '被拒绝: ')).toBe('被拒绝: 该用户已存在 (NAME_TAKEN)');
    ws.input.end();
    udp.input.end();
    await Promise.all([ws.done, udp.done]);
  });

  it('formats a reason from code and message; error texts of the UDP door split back into them', () => {
    expect(refusalReason('en', 'NAME_TAKEN', 'the name a is already in the room')).toBe('the name a is already in the room (NAME_TAKEN)');
    expect(refusalReason('zh', 'NAME_TAKEN', 'the name a is already in the room')).toBe('该用户已存在 (NAME_TAKEN)');
    expect(refusalReason('en', undefined, '该用户已存在')).toBe('该用户已存在'); // the seeds' server: no code
    expect(parseErrorText('ERROR NAME_TAKEN: the name a is already in the room')).toEqual({ code: 'NAME_TAKEN', message: 'the name a is already in the room' });
    expect(parseErrorText('该用户已存在 (NAME_TAKEN)')).toEqual({ code: 'NAME_TAKEN', message: '该用户已存在' });
    expect(parseErrorText('该用户已存在')).toEqual({ message: '该用户已存在' });
  });
});

describe('live lines carry [HH:MM] like history lines', () => {
  it('over WebSocket, the time of the event from the server', async () => {
    const rig = await startServer('en');
    const bob = await member(rig, 'bob');
    const ws = wsSession(rig);
    ws.input.write('alice\n');
    await ws.screen.waitFor('you are in #lobby as alice');
    bob.say('hi alice');
    await ws.screen.waitFor(/\n\[\d\d:\d\d\] bob: hi alice\n/u);
    rig.server.chat.announce('closing at six');
    await ws.screen.waitFor(/\n\[\d\d:\d\d\] \[admin\] closing at six\n/u);
    ws.input.end();
    expect(await ws.done).toBe(0);
  });

  it('over UDP, the time the notice arrived', async () => {
    const rig = await startServer('en');
    const bob = await member(rig, 'bob');
    const udp = udpSession(rig);
    udp.input.write('carol\n');
    await udp.screen.waitFor('you are in the room as carol');
    bob.say('hi carol');
    await udp.screen.waitFor(/\n\[\d\d:\d\d\] bob: hi carol\n/u);
    udp.input.end();
    expect(await udp.done).toBe(0);
  });

  it('stamps with local HH:MM', () => {
    const at = new Date(2024, 0, 2, 7, 5).getTime();
    expect(stamp(at)).toBe('[07:05] ');
  });
});

describe("the client's own texts follow the server's language, or --lang", () => {
  it('against a --lang zh server, prompts, history and greeting are in Chinese', async () => {
    const rig = await startServer('zh');
    const bob = await member(rig, 'bob');
    bob.say('你好');
    await bob.who(); // said before the session starts
    const ws = wsSession(rig, undefined, true);
    await ws.screen.waitFor('姓名: ');
    expect(ws.screen.text).toContain('netroom 聊天室 (WebSocket)：127.0.0.1:');
    ws.input.write('dave\r');
    await ws.screen.waitFor('您已进入 #lobby，名字是 dave，在场的还有 bob');
    expect(ws.screen.text).toMatch(/--- 最近的消息 ---[^\n]*\n[^\n]*\[\d\d:\d\d\] 欢迎 bob 进入聊天室[^\n]*\n[^\n]*\[\d\d:\d\d\] bob 说: 你好[^\n]*\n[^\n]*--- 现在 ---/u);
    expect(ws.screen.text).not.toContain('name: ');
    expect(ws.screen.text).not.toContain('recent history');
    ws.input.write('/who\r');
    await ws.screen.waitFor('#lobby 里有 2 人：bob、dave');
    ws.input.write('/quit\r');
    expect(await ws.done).toBe(0);
  });

  it('--lang en wins over a zh server; --lang zh over an en server', async () => {
    const zh = await startServer('zh');
    const english = wsSession(zh, 'en', true);
    await english.screen.waitFor('name: ');
    english.input.write('erin\r');
    await english.screen.waitFor('you are in #lobby as erin (nobody else is here)');
    english.input.write('/quit\r');
    expect(await english.done).toBe(0);

    const en = await startServer('en');
    const chinese = wsSession(en, 'zh', true);
    await chinese.screen.waitFor('姓名: ');
    chinese.input.write('fay\r');
    await chinese.screen.waitFor('您已进入 #lobby，名字是 fay（目前没有其他人）');
    chinese.input.write('/quit\r');
    expect(await chinese.done).toBe(0);
  });

  it('over UDP: English by default, Chinese with --lang zh', async () => {
    const rig = await startServer('zh');
    const plain = udpSession(rig, undefined, true);
    await plain.screen.waitFor('name: ');
    plain.input.end();
    await plain.done;
    const chinese = udpSession(rig, 'zh', true);
    await chinese.screen.waitFor('姓名: ');
    expect(chinese.screen.text).toContain('netroom 聊天室 (UDP)：127.0.0.1:');
    chinese.input.write('gus\r');
    await chinese.screen.waitFor('您已进入聊天室，名字是 gus；/quit 离开');
    chinese.input.write('/quit\r');
    expect(await chinese.done).toBe(0);
  });
});

describe('netroom chat --lang', () => {
  it('takes en or zh; anything else is one line and exit 2', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await chatCommand(undefined, { lang: 'fr' })).toBe(2);
      expect(await chatCommand(undefined, { lang: 'ZH', udp: '127.0.0.1:1' })).toBe(2);
      expect(stderr.mock.calls.map(([line]) => String(line))).toEqual([
        'netroom chat: --lang takes en or zh, not "fr"\n',
        'netroom chat: --lang takes en or zh, not "ZH"\n',
      ]);
    } finally {
      stderr.mockRestore();
    }
  });
});
