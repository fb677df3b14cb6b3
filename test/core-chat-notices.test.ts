// Unit tests of the notice and error texts (src/core/i18n.ts) for chat events: the seeds' one-room texts, rooms named, direct messages.
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/chat/types.js';
import { LOBBY } from '../src/core/chat/types.js';
import { NetroomError } from '../src/core/errors.js';
import { errorText, formatSize, noticeText } from '../src/core/i18n.js';
import { setupChat } from './helpers/chat.js';

const base = { id: 1, at: 0, audience: [] };

describe('i18n: noticeText, the seeds\u2019 one room (no rooms option)', () => {
  const cases: Array<[ChatEvent, string, string]> = [
    [{ ...base, kind: 'join', room: LOBBY, name: 'alice' }, 'alice joined the room', '欢迎 alice 进入聊天室'],
    [{ ...base, kind: 'message', room: LOBBY, name: 'alice', text: 'hi 你好' }, 'alice: hi 你好', 'alice 说: hi 你好'],
    [{ ...base, kind: 'part', room: LOBBY, name: 'alice', text: 'bye' }, 'alice left the room', 'alice 离开了聊天室'],
    [{ ...base, kind: 'quit', name: 'alice', reason: 'quit', rooms: [LOBBY] }, 'alice left the room', 'alice 离开了聊天室'],
    [{ ...base, kind: 'quit', name: 'alice', reason: 'timeout', rooms: [LOBBY, '#dev'] }, 'alice left the room', 'alice 离开了聊天室'],
    [{ ...base, kind: 'dm', name: 'alice', to: 'bob', text: 'psst' }, 'alice (private): psst', 'alice 私下说: psst'],
    [{ ...base, kind: 'announce', text: 'bye at 5' }, '[admin] bye at 5', '管理员 说: bye at 5'],
    [{ ...base, kind: 'file', room: LOBBY, name: 'bob', path: 'a/b.txt', size: 1536 }, 'bob shared a/b.txt (1.5 KiB)', 'bob 分享了 a/b.txt (1.5 KiB)'],
    [{ ...base, kind: 'file', room: LOBBY, path: 'c.bin', size: 12 }, 'someone shared c.bin (12 B)', '有人 分享了 c.bin (12 B)'],
    [{ ...base, kind: 'closing' }, 'the server is closing', '服务器即将关闭'],
  ];

  it.each(cases)('%o', (event, en, zh) => {
    expect(noticeText('en', event)).toBe(en);
    expect(noticeText('zh', event)).toBe(zh);
  });

  it('zh uses the seeds\u2019 exact wording for what the core raises', () => {
    const { chat, events } = setupChat();
    const a = chat.enter('小明', 'udp');
    chat.say(a, LOBBY, '大家好');
    chat.disconnect(a);
    chat.announce('今晚维护');
    expect(events.map((e) => noticeText('zh', e))).toEqual(['欢迎 小明 进入聊天室', '小明 说: 大家好', '小明 离开了聊天室', '管理员 说: 今晚维护']);
  });

  it('continuation lines of a message or a direct message carry the speaker', () => {
    const dm: ChatEvent = { ...base, kind: 'dm', name: 'alice', to: 'bob', text: 'one\n[admin] two' };
    expect(noticeText('en', dm)).toBe('alice (private): one\nalice | [admin] two');
  });
});

describe('i18n: noticeText with rooms named', () => {
  const rooms = { rooms: true } as const;
  it('names the room of joins, parts, messages and file notices', () => {
    expect(noticeText('en', { ...base, kind: 'join', room: '#dev', name: 'alice' }, rooms)).toBe('alice joined #dev');
    expect(noticeText('zh', { ...base, kind: 'join', room: '#dev', name: 'alice' }, rooms)).toBe('欢迎 alice 进入 #dev');
    expect(noticeText('en', { ...base, kind: 'part', room: '#dev', name: 'alice' }, rooms)).toBe('alice left #dev');
    expect(noticeText('en', { ...base, kind: 'message', room: '#dev', name: 'alice', text: 'hi' }, rooms)).toBe('[#dev] alice: hi');
    expect(noticeText('en', { ...base, kind: 'file', room: '#dev', path: 'f', size: 1 }, rooms)).toBe('[#dev] someone shared f (1 B)');
  });

  it('a quit names the room it is shown in, when given one', () => {
    const quit: ChatEvent = { ...base, kind: 'quit', name: 'alice', reason: 'quit', rooms: ['#dev'] };
    expect(noticeText('en', quit, { rooms: true, room: '#dev' })).toBe('alice left #dev');
    expect(noticeText('en', quit, rooms)).toBe('alice left the room');
  });

  it('covers every event kind the core raises, in both languages', () => {
    const { chat, events } = setupChat();
    const a = chat.enter('a', 'ws');
    const b = chat.enter('b', 'irc');
    chat.say(a, LOBBY, 'x');
    chat.dm(a, 'b', 'y');
    chat.join(a, '#dev');
    chat.setTopic(a, '#dev', 'topic');
    chat.setModes(a, '#dev', [{ mode: 'i', on: true }]);
    chat.invite(a, '#dev', 'b');
    chat.rename(b, 'b2');
    chat.setAway(b, 'out');
    chat.part(a, '#dev');
    chat.announce('z');
    chat.fileShared('f', 1);
    chat.disconnect(b);
    chat.close();
    const kinds = ['join', 'message', 'dm', 'topic', 'mode', 'invite', 'rename', 'away', 'part', 'announce', 'file', 'quit', 'closing'];
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(kinds));
    for (const e of events) {
      for (const lang of ['en', 'zh'] as const) {
        expect(noticeText(lang, e)).not.toBe('');
        expect(noticeText(lang, e, rooms)).not.toBe('');
      }
    }
  });
});

describe('i18n: errorText', () => {
  it('English shows the code and message; Chinese the seed-style text and the code', () => {
    const err = new NetroomError('NAME_TAKEN', 'the name a is already in use');
    expect(errorText('en', err)).toBe('ERROR NAME_TAKEN: the name a is already in use');
    expect(errorText('zh', err)).toBe('该用户已存在 (NAME_TAKEN)');
    expect(errorText('zh', new NetroomError('NO_SUCH_MEMBER', 'nobody called x is here'))).toBe('该用户不在线 (NO_SUCH_MEMBER)');
  });
});

describe('i18n: formatSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 - 1, '10.0 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [5.5 * 1024 * 1024, '5.5 MiB'],
    [1024 ** 3 - 1, '1.0 GiB'],
    [1024 ** 4, '1.0 TiB'],
    [2048 * 1024 ** 4, '2048.0 TiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
