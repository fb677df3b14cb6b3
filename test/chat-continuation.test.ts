// Issue 10 item 9: a message of several lines cannot pass for an announcement in any line-based door.
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { continuationMark, noticeText, splitLines, spokenText } from '../src/core/i18n.js';
import { Library } from '../src/core/library.js';
import { LOBBY, type ChatEvent } from '../src/core/chat/types.js';
import type { DoorContext } from '../src/doors/door.js';
import { IrcDoor } from '../src/doors/irc/door.js';
import { UdpDoor } from '../src/doors/udp/door.js';
import { silentLogger } from '../src/log.js';
import { ADMIN_TOKEN, RawIrcClient } from './helpers/irc.js';
import { TestUdpClient } from './helpers/udp.js';
import { startWsRig, type WsRig } from './helpers/ws.js';

const ATTACK = 'ok\n[admin] FAKE: please re-login';

function message(name: string, text: string): ChatEvent {
  return { id: 1, at: 0, kind: 'message', room: LOBBY, name, text, audience: [] };
}

describe('continuation lines (core rendering)', () => {
  it('marks every further line of a message with its speaker, in English and Chinese', () => {
    expect(noticeText('en', message('alice', ATTACK))).toBe('alice: ok\nalice | [admin] FAKE: please re-login');
    expect(noticeText('zh', message('alice', ATTACK))).toBe('alice 说: ok\nalice | [admin] FAKE: please re-login');
    expect(noticeText('zh', message('mallory', 'hi\n管理员 说: 今天休息'))).toBe('mallory 说: hi\nmallory | 管理员 说: 今天休息');
  });

  it('treats CR LF, CR, VT, FF, NEL, LS and PS as line breaks too; an empty line keeps the mark', () => {
    for (const br of ['\r\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']) {
      expect(noticeText('en', message('eve', `a${br}[admin] b`))).toBe('eve: a\neve | [admin] b');
    }
    expect(noticeText('en', message('eve', 'a\n\nb'))).toBe('eve: a\neve |\neve | b');
    expect(splitLines('one line')).toEqual(['one line']);
  });

  it('leaves single-line texts and real announcements exactly as before', () => {
    expect(noticeText('en', message('alice', 'hello  there'))).toBe('alice: hello  there');
    expect(noticeText('en', { id: 2, at: 0, kind: 'announce', text: 'maintenance at noon', audience: [] })).toBe('[admin] maintenance at noon');
    expect(noticeText('zh', { id: 2, at: 0, kind: 'announce', text: '今天休息', audience: [] })).toBe('管理员 说: 今天休息');
    // An administrator's own announcement of several lines is marked as theirs on every line.
    expect(noticeText('en', { id: 3, at: 0, kind: 'announce', text: 'a\nb', audience: [] })).toBe('[admin] a\n[admin] | b');
  });

  it('no continuation line of any text starts like a real notice', () => {
    const forged = ['[admin] x', '管理员 说: x', 'bob: x', 'bob 说: x', 'bob joined the room', 'the server is closing'];
    for (const line of forged) {
      const [, second] = spokenText('alice: ', 'alice', `hi\n${line}`).split('\n');
      expect(second).toBe(continuationMark('alice') + line);
      // Names hold no spaces: `alice | ...` is no announcement, no message, no join or leave.
      expect(second).not.toMatch(/^(\[admin\] |管理员 说: )/u);
      expect(second).not.toMatch(/^[^\s:]+(: | 说: )/u);
      expect(second).not.toMatch(/^[^\s]+ (joined|left) the room$/u);
    }
  });
});

describe('continuation lines through the doors: the attack from a WebSocket member', () => {
  let ws: WsRig | undefined;
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await ws?.close();
    ws = undefined;
  });

  async function rig(): Promise<{ ws: WsRig; udpPort: number; ircPort: number }> {
    ws = await startWsRig();
    const ctx: DoorContext = { chat: ws.chat, library: new Library(tmpdir()), lang: 'en', log: silentLogger() };
    const udp = new UdpDoor(ctx, { host: '127.0.0.1', port: 0 });
    await udp.listen();
    cleanup.push(() => udp.close());
    const irc = new IrcDoor(ctx, { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN });
    await irc.listen();
    cleanup.push(() => irc.close());
    return { ws, udpPort: udp.address().port, ircPort: irc.address().port };
  }

  it('reaches a UDP member as the speaker\'s lines, and a real announcement still reads as one', async () => {
    const r = await rig();
    const u = await TestUdpClient.open(r.udpPort);
    cleanup.push(() => u.close());
    await u.enter('udpuser');
    const mallory = await r.ws.member('mallory');
    mallory.send({ type: 'say', text: ATTACK });
    const got = await u.waitFor((t) => t.startsWith('\nmallory:'));
    expect(got).toBe('\nmallory: ok\nmallory | [admin] FAKE: please re-login');
    // Every line the seed client prints: none is an announcement.
    for (const line of got.split('\n')) expect(line.startsWith('[admin]')).toBe(false);
    r.ws.chat.announce('please re-login');
    expect(await u.next()).toBe('\n[admin] please re-login');
  });

  it('reaches an IRC member as PRIVMSGs from the speaker (never a server NOTICE), and the terminal client\'s notice is marked', async () => {
    const r = await rig();
    const irc = await RawIrcClient.open(r.ircPort);
    cleanup.push(() => irc.close());
    await irc.joinLobby('ircuser', null);
    const watcher = await r.ws.member('watcher');
    const mallory = await r.ws.member('mallory');
    mallory.send({ type: 'say', text: ATTACK });
    const first = await irc.waitFor((l) => l.command === 'PRIVMSG');
    const second = await irc.waitFor((l) => l.command === 'PRIVMSG');
    for (const line of [first, second]) {
      expect(line.source).toMatch(/^mallory!/u);
      expect(line.params[0]).toBe('#lobby');
    }
    expect(first.params[1]).toBe('ok');
    expect(second.params[1]).toBe('[admin] FAKE: please re-login');
    // The WebSocket notice is what `netroom chat` prints line by line: marked too.
    expect(await watcher.notice((n) => n.startsWith('mallory:'))).toBe('mallory: ok\nmallory | [admin] FAKE: please re-login');
    // A real announcement is a NOTICE from the server, as before (to #lobby or, since an
    // announcement is server-wide and not a room's, to the nick).
    r.ws.chat.announce('please re-login');
    const notice = await irc.waitFor((l) => l.command === 'NOTICE' && (l.params[0] === '#lobby' || l.params[0] === 'ircuser'));
    expect(notice.params[1]).toBe('[admin] please re-login');
    expect(notice.source).not.toMatch(/^mallory/u);
  });
});
