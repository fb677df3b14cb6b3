// Unit tests of the chat core (src/core/chat/chat.ts): presence, messages, direct messages, renames, away, server-wide events, listeners, flood control.
import { describe, expect, it } from 'vitest';
import { LOBBY, type ChatEvent } from '../src/core/chat/types.js';
import { MAX_MESSAGE_LENGTH, checkMessage } from '../src/core/chat/message.js';
import type { NetroomError } from '../src/core/errors.js';
import { last, names, setupChat, throwsCode } from './helpers/chat.js';

describe('Chat: connecting and entering', () => {
  it('connect claims the name server-wide and joins nothing, without an event', () => {
    const { chat, events, clock } = setupChat();
    const alice = chat.connect('Alice', 'irc');
    expect(alice).toEqual({ name: 'Alice', key: 'alice', door: 'irc', role: 'guest', since: clock.now });
    expect(events).toEqual([]);
    expect(chat.roomsOf(alice)).toEqual([]);
    expect(chat.members(LOBBY)).toEqual([]);
    expect(chat.find('ALICE')).toBe(alice);
    expect(chat.online()).toEqual([alice]);
  });

  it('enter connects and joins #lobby: one join event, heard by the lobby', () => {
    const { chat, events, clock } = setupChat();
    const bob = chat.enter('bob', 'ws');
    const alice = chat.enter('Alice', 'udp');
    expect(chat.roomsOf(alice)).toEqual([LOBBY]);
    expect(events).toHaveLength(2);
    const join = last(events);
    expect(join).toMatchObject({ kind: 'join', room: LOBBY, name: 'Alice', at: clock.now });
    expect(join.origin).toBe(alice);
    expect(join.audience).toEqual([bob, alice]);
  });

  it('stores the name in NFC', () => {
    const { chat } = setupChat();
    expect(chat.enter('cafe\u0301', 'ws').name).toBe('caf\u00e9');
  });

  it('refuses a taken name in any case, through any door, whatever rooms either is in', () => {
    const { chat, events } = setupChat();
    const alice = chat.connect('Alice', 'irc');
    chat.join(alice, '#dev');
    expect(throwsCode(() => chat.enter('alice', 'udp'))).toBe('NAME_TAKEN');
    expect(throwsCode(() => chat.connect('ALICE', 'ws'))).toBe('NAME_TAKEN');
    expect(throwsCode(() => chat.enter('ａｌｉｃｅ', 'ws'))).toBe('NAME_TAKEN');
    expect(throwsCode(() => chat.enter('Caf\u00e9', 'ws'))).toBeUndefined();
    expect(throwsCode(() => chat.connect('cafe\u0301', 'irc'))).toBe('NAME_TAKEN');
    expect(events.map((e) => e.kind)).toEqual(['join', 'join']);
    expect(chat.size).toBe(2);
  });

  it('says whom a look-alike clashes with', () => {
    const { chat } = setupChat();
    chat.enter('Alice', 'ws');
    try {
      chat.enter('alice', 'udp');
      expect.unreachable();
    } catch (err) {
      expect((err as NetroomError).message).toMatch(/\(as Alice\)/);
      expect((err as NetroomError).params).toEqual({ name: 'alice', holder: 'Alice' });
    }
  });

  it('refuses reserved and bad names without an event', () => {
    const { chat, events } = setupChat();
    expect(throwsCode(() => chat.enter('Admin', 'udp'))).toBe('RESERVED_NAME');
    expect(throwsCode(() => chat.connect('管理员', 'irc'))).toBe('RESERVED_NAME');
    expect(throwsCode(() => chat.enter('a b', 'udp'))).toBe('BAD_NAME');
    expect(throwsCode(() => chat.enter('', 'udp'))).toBe('BAD_NAME');
    expect(throwsCode(() => chat.enter(null as unknown as string, 'ws'))).toBe('BAD_NAME');
    expect(events).toHaveLength(0);
    expect(chat.size).toBe(0);
  });

  it('event ids increase by one per event', () => {
    const { chat, events } = setupChat();
    const a = chat.enter('a', 'udp');
    chat.say(a, LOBBY, 'hi');
    chat.announce('news');
    chat.disconnect(a);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('Chat: disconnecting', () => {
  it('one quit naming every room the member was in; the name is free again', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('Alice', 'ws');
    chat.join(alice, '#dev');
    chat.disconnect(alice, 'timeout', 'gone');
    const quit = last(events);
    expect(quit).toMatchObject({ kind: 'quit', name: 'Alice', reason: 'timeout', rooms: [LOBBY, '#dev'], text: 'gone' });
    expect(quit.origin).toBe(alice);
    expect(chat.has(alice)).toBe(false);
    expect(chat.find('alice')).toBeUndefined();
    expect(chat.members('#dev')).toEqual([]);
    expect(chat.enter('alice', 'udp').name).toBe('alice');
  });

  it('the audience is everyone who shared a room, once each, not the member who left', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    const carol = chat.connect('carol', 'irc');
    chat.connect('dave', 'irc');
    for (const room of ['#dev', '#ops']) {
      chat.join(alice, room);
      chat.join(bob, room);
    }
    chat.join(carol, '#ops');
    chat.disconnect(alice);
    expect(names(last(events).audience)).toEqual(['bob', 'carol']);
  });

  it('of a member in no room: a quit with no rooms and nobody to hear it', () => {
    const { chat, events } = setupChat();
    const ira = chat.connect('ira', 'irc');
    chat.disconnect(ira, 'disconnect');
    expect(last(events)).toMatchObject({ kind: 'quit', rooms: [], audience: [] });
  });

  it('defaults to quit and is a no-op the second time', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('Alice', 'udp');
    chat.disconnect(alice);
    chat.disconnect(alice, 'disconnect');
    expect(events.filter((e) => e.kind === 'quit')).toHaveLength(1);
    expect(last(events)).toMatchObject({ kind: 'quit', reason: 'quit' });
    expect(last(events)).not.toHaveProperty('text');
  });

  it('a stale Member of a name re-entered cannot speak for, or remove, the new holder', () => {
    const { chat, events } = setupChat();
    const old = chat.enter('Alice', 'udp');
    chat.disconnect(old);
    const fresh = chat.enter('ALICE', 'irc');
    expect(old.key).toBe(fresh.key);
    const before = events.length;
    expect(throwsCode(() => chat.say(old, LOBBY, 'impostor'))).toBe('NOT_IN_ROOM');
    expect(throwsCode(() => chat.dm(old, 'ALICE', 'impostor'))).toBe('NOT_IN_ROOM');
    chat.disconnect(old, 'timeout');
    expect(events).toHaveLength(before);
    expect(chat.has(fresh)).toBe(true);
    expect(chat.find('alice')).toBe(fresh);
  });

  it('a forged Member object with a taken key is nobody', () => {
    const { chat } = setupChat();
    const alice = chat.enter('Alice', 'udp');
    const forged = { ...alice };
    expect(throwsCode(() => chat.say(forged, LOBBY, 'hi'))).toBe('NOT_IN_ROOM');
    chat.disconnect(forged);
    expect(chat.has(alice)).toBe(true);
  });
});

describe('Chat: direct messages', () => {
  it('reach the member holding the name, on any door; the audience is both sides', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'udp');
    const ira = chat.connect('Ira', 'irc');
    chat.enter('bob', 'ws');
    expect(chat.dm(alice, 'IRA', 'psst')).toBe(ira);
    const dm = last(events);
    expect(dm).toMatchObject({ kind: 'dm', name: 'alice', to: 'Ira', text: 'psst' });
    expect(dm).not.toHaveProperty('notice');
    expect(dm.origin).toBe(alice);
    expect(dm.audience).toEqual([alice, ira]);
    chat.dm(ira, 'alice', 'notice this', { notice: true });
    expect(last(events)).toMatchObject({ kind: 'dm', notice: true });
  });

  it('to oneself: heard once', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    chat.dm(alice, 'alice', 'note');
    expect(last(events).audience).toEqual([alice]);
  });

  it('refuse an unknown member (NO_SUCH_MEMBER) and bad text, changing nothing', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    const before = events.length;
    expect(throwsCode(() => chat.dm(alice, 'nobody', 'hi'))).toBe('NO_SUCH_MEMBER');
    expect(throwsCode(() => chat.dm(alice, '', 'hi'))).toBe('NO_SUCH_MEMBER');
    expect(throwsCode(() => chat.dm(alice, 5 as unknown as string, 'hi'))).toBe('NO_SUCH_MEMBER');
    expect(throwsCode(() => chat.dm(alice, 'alice', '  '))).toBe('EMPTY_MESSAGE');
    expect(throwsCode(() => chat.dm(alice, 'alice', 'a\u0007'))).toBe('BAD_MESSAGE');
    expect(events).toHaveLength(before);
  });

  it('share the flood budget with room messages', () => {
    const { chat } = setupChat({ flood: { rate: 0.001, burst: 2 } });
    const alice = chat.enter('alice', 'ws');
    chat.enter('bob', 'ws');
    chat.say(alice, LOBBY, 'one');
    chat.dm(alice, 'bob', 'two');
    expect(throwsCode(() => chat.dm(alice, 'bob', 'three'))).toBe('RATE_LIMITED');
    expect(throwsCode(() => chat.say(alice, LOBBY, 'three'))).toBe('RATE_LIMITED');
  });
});

describe('Chat: renames and away', () => {
  it('rename changes the member in place; heard by everyone sharing a room and the member', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'irc');
    const bob = chat.enter('bob', 'ws');
    const carol = chat.connect('carol', 'irc');
    chat.join(carol, '#dev');
    chat.join(alice, '#dev');
    chat.connect('dave', 'irc');
    chat.rename(alice, 'Alicia');
    expect(alice.name).toBe('Alicia');
    expect(alice.key).toBe('alicia');
    const rename = last(events);
    expect(rename).toMatchObject({ kind: 'rename', name: 'alice', to: 'Alicia', rooms: [LOBBY, '#dev'] });
    expect(names(rename.audience)).toEqual(['Alicia', 'bob', 'carol']);
    expect(chat.find('alice')).toBeUndefined();
    expect(chat.find('ALICIA')).toBe(alice);
    expect(chat.members(LOBBY)).toEqual([alice, bob]);
    // The old name is free for someone else.
    expect(chat.enter('alice', 'udp').name).toBe('alice');
  });

  it('rename to a taken or bad name is refused and changes nothing', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'irc');
    chat.enter('bob', 'ws');
    const before = events.length;
    expect(throwsCode(() => chat.rename(alice, 'BOB'))).toBe('NAME_TAKEN');
    expect(throwsCode(() => chat.rename(alice, 'admin'))).toBe('RESERVED_NAME');
    expect(throwsCode(() => chat.rename(alice, 'a b'))).toBe('BAD_NAME');
    expect(events).toHaveLength(before);
    expect(alice.name).toBe('alice');
    expect(chat.find('alice')).toBe(alice);
  });

  it('rename to the same name does nothing; to another case of it is a rename', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'irc');
    const before = events.length;
    chat.rename(alice, 'alice');
    expect(events).toHaveLength(before);
    chat.rename(alice, 'ALICE');
    expect(last(events)).toMatchObject({ kind: 'rename', name: 'alice', to: 'ALICE' });
  });

  it('away and back: kept per member, heard by everyone sharing a room and the member', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'irc');
    const bob = chat.enter('bob', 'ws');
    chat.connect('ira', 'irc');
    chat.setAway(alice, 'lunch');
    expect(chat.awayOf(alice)).toBe('lunch');
    expect(last(events)).toMatchObject({ kind: 'away', name: 'alice', text: 'lunch' });
    expect(last(events).audience).toEqual([alice, bob]);
    chat.setAway(alice, null);
    expect(chat.awayOf(alice)).toBeNull();
    expect(last(events)).toMatchObject({ kind: 'away', text: null });
  });
});

describe('Chat: announcements, file notices, closing', () => {
  it('announce: no origin; the audience is everyone connected, in a room or not', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'udp');
    const ira = chat.connect('ira', 'irc');
    chat.announce('maintenance at noon');
    const event = last(events);
    expect(event).toMatchObject({ kind: 'announce', text: 'maintenance at noon' });
    expect(event.origin).toBeUndefined();
    expect(event.audience).toEqual([alice, ira]);
    expect(throwsCode(() => chat.announce('   '))).toBe('EMPTY_MESSAGE');
    expect(throwsCode(() => chat.announce('x'.repeat(MAX_MESSAGE_LENGTH + 1)))).toBe('MESSAGE_TOO_LONG');
  });

  it('fileShared: #lobby by default, or the room named; heard by that room', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    const ira = chat.connect('ira', 'irc');
    chat.join(ira, '#dev');
    chat.fileShared('docs/a.txt', 1536, 'alice');
    expect(last(events)).toMatchObject({ kind: 'file', room: LOBBY, name: 'alice', path: 'docs/a.txt', size: 1536 });
    expect(last(events).audience).toEqual([alice]);
    expect(last(events).origin).toBeUndefined();
    chat.fileShared('b.bin', 10, undefined, '#DEV');
    expect(last(events)).toMatchObject({ kind: 'file', room: '#dev', path: 'b.bin', size: 10 });
    expect(last(events)).not.toHaveProperty('name');
    expect(last(events).audience).toEqual([ira]);
    // A room that does not exist (gone since the upload started): #lobby hears it instead.
    chat.fileShared('c.bin', 1, undefined, '#gone');
    expect(last(events)).toMatchObject({ kind: 'file', room: LOBBY });
  });

  it('close: one closing to everyone, then nobody is connected and no quit is raised', () => {
    const { chat, events } = setupChat();
    const a = chat.enter('a', 'udp');
    const ira = chat.connect('ira', 'irc');
    chat.join(ira, '#dev');
    chat.close();
    expect(events.map((e) => e.kind)).toEqual(['join', 'join', 'closing']);
    expect(last(events).audience).toEqual([a, ira]);
    expect(chat.size).toBe(0);
    expect(chat.online()).toEqual([]);
    expect(chat.members(LOBBY)).toEqual([]);
    expect(chat.members('#dev')).toEqual([]);
    expect(throwsCode(() => chat.say(a, LOBBY, 'hi'))).toBe('NOT_IN_ROOM');
    chat.disconnect(a);
    expect(events).toHaveLength(3);
  });
});

describe('Chat: listeners', () => {
  it('unsubscribe stops delivery', () => {
    const { chat, events } = setupChat();
    const mine: ChatEvent[] = [];
    const off = chat.subscribe((e) => mine.push(e));
    chat.enter('a', 'udp');
    off();
    chat.enter('b', 'udp');
    expect(mine).toHaveLength(1);
    expect(events).toHaveLength(2);
  });

  it('a throwing listener does not stop the others; the error is reported', () => {
    const errors: unknown[] = [];
    const { chat, events } = setupChat({ onListenerError: (err) => errors.push(err) });
    const boom = new Error('door bug');
    chat.subscribe(() => {
      throw boom;
    });
    const a = chat.enter('a', 'udp');
    chat.say(a, LOBBY, 'hi');
    expect(events).toHaveLength(2);
    expect(errors).toEqual([boom, boom]);
  });

  it('an event raised inside a listener reaches every listener after the one that caused it', () => {
    const { chat } = setupChat();
    chat.subscribe((e) => {
      if (e.kind === 'join' && e.origin) chat.disconnect(e.origin, 'disconnect');
    });
    const heard: Array<[number, string]> = [];
    chat.subscribe((e) => heard.push([e.id, e.kind]));
    chat.enter('a', 'udp');
    expect(heard).toEqual([
      [1, 'join'],
      [2, 'quit'],
    ]);
    expect(chat.size).toBe(0);
  });
});

describe('Chat: message rules', () => {
  it('say: NO_SUCH_ROOM, NOT_IN_ROOM, and the text rules; the text is kept as sent', () => {
    const { chat, events } = setupChat();
    const a = chat.enter('a', 'udp');
    const ira = chat.connect('ira', 'irc');
    chat.join(ira, '#dev');
    expect(throwsCode(() => chat.say(a, '#nowhere', 'hi'))).toBe('NO_SUCH_ROOM');
    expect(throwsCode(() => chat.say(a, 'lobby', 'hi'))).toBe('NO_SUCH_ROOM');
    expect(throwsCode(() => chat.say(a, '#dev', 'hi'))).toBe('NOT_IN_ROOM');
    expect(throwsCode(() => chat.say(a, LOBBY, 5 as unknown as string))).toBe('BAD_MESSAGE');
    for (const text of ['', ' ', '\t', '\n', '\u00a0', '\u3000']) expect(throwsCode(() => chat.say(a, LOBBY, text))).toBe('EMPTY_MESSAGE');
    for (const text of ['a\u0000b', 'a\u001b[31m', 'a\rb', 'a\u007fb']) expect(throwsCode(() => chat.say(a, LOBBY, text))).toBe('BAD_MESSAGE');
    const before = events.length;
    chat.say(a, '#LOBBY', '  col1\tcol2\nline2 ');
    expect(events).toHaveLength(before + 1);
    expect(last(events)).toMatchObject({ kind: 'message', room: LOBBY, name: 'a', text: '  col1\tcol2\nline2 ' });
    expect(last(events).audience).toEqual([a]);
    chat.say(ira, '#dev', 'notice', { notice: true });
    expect(last(events)).toMatchObject({ kind: 'message', room: '#dev', notice: true });
  });

  it('2000 code points pass and 2001 do not, Chinese and emoji counting one each', () => {
    const { chat } = setupChat({ flood: null });
    const a = chat.enter('a', 'udp');
    expect(MAX_MESSAGE_LENGTH).toBe(2000);
    for (const c of ['x', '中', '😀']) {
      expect(throwsCode(() => chat.say(a, LOBBY, c.repeat(2000)))).toBeUndefined();
      expect(throwsCode(() => chat.say(a, LOBBY, c.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
    }
    try {
      checkMessage('中'.repeat(2001));
      expect.unreachable();
    } catch (err) {
      expect((err as NetroomError).params).toEqual({ max: 2000, length: 2001 });
    }
  });
});

describe('Chat: flood control', () => {
  it('refuses messages over the burst with RATE_LIMITED, refills with time, per member', () => {
    const { chat, clock } = setupChat({ flood: { rate: 2, burst: 3 } });
    const a = chat.enter('a', 'udp');
    const b = chat.enter('b', 'irc');
    for (let i = 0; i < 3; i += 1) chat.say(a, LOBBY, `m${i}`);
    expect(throwsCode(() => chat.say(a, LOBBY, 'too fast'))).toBe('RATE_LIMITED');
    chat.say(b, LOBBY, 'b is fine');
    clock.now += 500;
    chat.say(a, LOBBY, 'again');
    expect(throwsCode(() => chat.say(a, LOBBY, 'too fast'))).toBe('RATE_LIMITED');
  });

  it('invalid messages use no tokens; a member who comes back gets a fresh bucket', () => {
    const { chat } = setupChat({ flood: { rate: 0.001, burst: 1 } });
    let a = chat.enter('a', 'udp');
    expect(throwsCode(() => chat.say(a, LOBBY, ''))).toBe('EMPTY_MESSAGE');
    chat.say(a, LOBBY, 'ok');
    chat.disconnect(a);
    a = chat.enter('a', 'udp');
    chat.say(a, LOBBY, 'fresh');
  });

  it('defaults to 10/s with bursts of 20; null turns it off', () => {
    const { chat } = setupChat();
    const a = chat.enter('a', 'udp');
    for (let i = 0; i < 20; i += 1) chat.say(a, LOBBY, `m${i}`);
    expect(throwsCode(() => chat.say(a, LOBBY, 'm20'))).toBe('RATE_LIMITED');
    const off = setupChat({ flood: null });
    const b = off.chat.enter('b', 'udp');
    for (let i = 0; i < 5000; i += 1) off.chat.say(b, LOBBY, `m${i}`);
    expect(off.events.filter((e) => e.kind === 'message')).toHaveLength(5000);
  });
});
