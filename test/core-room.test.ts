// Unit tests of the room (src/core/room.ts) and its notice texts (src/core/i18n.ts); time is injected.
import { describe, expect, it } from 'vitest';
import { NetroomError, type ErrorCode } from '../src/core/errors.js';
import { errorText, formatSize, noticeText } from '../src/core/i18n.js';
import { MAX_MESSAGE_LENGTH, Room, checkMessage, type RoomEvent, type RoomOptions } from '../src/core/room.js';

/** A room with a hand-driven clock and a log of every event it emitted. */
function setup(options: Omit<RoomOptions, 'now'> = {}) {
  const clock = { now: 1_000_000 };
  const room = new Room({ ...options, now: () => clock.now });
  const events: RoomEvent[] = [];
  room.subscribe((e) => events.push(e));
  return { room, events, clock };
}

/** The code `fn` throws (a NetroomError), or undefined. */
function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NetroomError);
    return (err as NetroomError).code;
  }
}

describe('Room: entering', () => {
  it('enter returns the member and emits a join with it as origin', () => {
    const { room, events, clock } = setup();
    const alice = room.enter('Alice', 'udp');
    expect(alice).toEqual({ name: 'Alice', key: 'alice', door: 'udp', since: clock.now });
    expect(events).toHaveLength(1);
    const [join] = events;
    expect(join).toMatchObject({ kind: 'join', name: 'Alice', at: clock.now });
    expect(join?.origin).toBe(alice);
  });

  it('stores the name in NFC', () => {
    const { room } = setup();
    expect(room.enter('cafe\u0301', 'ws').name).toBe('caf\u00e9');
  });

  it('refuses a taken name in any case and through any door, without an event', () => {
    const { room, events } = setup();
    room.enter('Alice', 'udp');
    expect(codeOf(() => room.enter('alice', 'irc'))).toBe('NAME_TAKEN');
    expect(codeOf(() => room.enter('ALICE', 'ws'))).toBe('NAME_TAKEN');
    expect(codeOf(() => room.enter('Alice', 'udp'))).toBe('NAME_TAKEN');
    expect(events).toHaveLength(1);
    expect(room.size).toBe(1);
  });

  it('refuses NFC-equivalent names as taken', () => {
    const { room } = setup();
    room.enter('Caf\u00e9', 'udp');
    expect(codeOf(() => room.enter('cafe\u0301', 'irc'))).toBe('NAME_TAKEN');
  });

  it('refuses reserved and bad names', () => {
    const { room, events } = setup();
    expect(codeOf(() => room.enter('Admin', 'udp'))).toBe('RESERVED_NAME');
    expect(codeOf(() => room.enter('管理员', 'udp'))).toBe('RESERVED_NAME');
    expect(codeOf(() => room.enter('a b', 'udp'))).toBe('BAD_NAME');
    expect(codeOf(() => room.enter('', 'udp'))).toBe('BAD_NAME');
    expect(events).toHaveLength(0);
    expect(room.size).toBe(0);
  });

  it('event ids increase by one per event', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    room.say(a, 'hi');
    room.announce('news');
    room.leave(a);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('Room: speaking and leaving', () => {
  it('say emits a message with the member as origin', () => {
    const { room, events, clock } = setup();
    const alice = room.enter('Alice', 'udp');
    clock.now += 5;
    room.say(alice, 'hello 你好');
    const last = events.at(-1);
    expect(last).toMatchObject({ kind: 'message', name: 'Alice', text: 'hello 你好', at: clock.now });
    expect(last?.origin).toBe(alice);
  });

  it('leave emits a leave with reason and origin; the name becomes free', () => {
    const { room, events } = setup();
    const alice = room.enter('Alice', 'udp');
    room.leave(alice, 'timeout');
    expect(events.at(-1)).toMatchObject({ kind: 'leave', name: 'Alice', reason: 'timeout' });
    expect(events.at(-1)?.origin).toBe(alice);
    expect(room.has(alice)).toBe(false);
    expect(room.find('alice')).toBeUndefined();
    expect(room.enter('alice', 'ws').name).toBe('alice');
  });

  it('leave defaults to quit and is a no-op the second time', () => {
    const { room, events } = setup();
    const alice = room.enter('Alice', 'udp');
    room.leave(alice);
    room.leave(alice, 'disconnect');
    expect(events.filter((e) => e.kind === 'leave')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: 'leave', reason: 'quit' });
  });

  it('a member who left cannot speak: NOT_IN_ROOM', () => {
    const { room, events } = setup();
    const alice = room.enter('Alice', 'udp');
    room.leave(alice);
    const before = events.length;
    expect(codeOf(() => room.say(alice, 'still here?'))).toBe('NOT_IN_ROOM');
    expect(events).toHaveLength(before);
  });

  it('a stale Member of a name re-entered cannot speak for, or remove, the new holder', () => {
    const { room, events } = setup();
    const old = room.enter('Alice', 'udp');
    room.leave(old);
    const fresh = room.enter('ALICE', 'irc');
    expect(old.key).toBe(fresh.key);
    const before = events.length;
    expect(codeOf(() => room.say(old, 'impostor'))).toBe('NOT_IN_ROOM');
    room.leave(old, 'timeout');
    expect(events).toHaveLength(before);
    expect(room.has(fresh)).toBe(true);
    expect(room.has(old)).toBe(false);
    expect(room.find('alice')).toBe(fresh);
    room.say(fresh, 'still me');
    expect(events.at(-1)).toMatchObject({ kind: 'message', name: 'ALICE', text: 'still me' });
  });

  it('a forged Member object with a taken key cannot speak', () => {
    const { room } = setup();
    const alice = room.enter('Alice', 'udp');
    const forged = { ...alice };
    expect(codeOf(() => room.say(forged, 'hi'))).toBe('NOT_IN_ROOM');
    room.leave(forged);
    expect(room.has(alice)).toBe(true);
  });
});

describe('Room: announce, file notices, close, who, find', () => {
  it('announce emits an event with no origin', () => {
    const { room, events } = setup();
    room.enter('Alice', 'udp');
    room.announce('maintenance at noon');
    const last = events.at(-1);
    expect(last).toMatchObject({ kind: 'announce', text: 'maintenance at noon' });
    expect(last?.origin).toBeUndefined();
  });

  it('announce follows the message rules', () => {
    const { room } = setup();
    expect(codeOf(() => room.announce('   '))).toBe('EMPTY_MESSAGE');
    expect(codeOf(() => room.announce('x'.repeat(MAX_MESSAGE_LENGTH + 1)))).toBe('MESSAGE_TOO_LONG');
  });

  it('fileShared emits a file event, with or without an uploader name', () => {
    const { room, events } = setup();
    room.fileShared('docs/a.txt', 1536, 'Alice');
    room.fileShared('b.bin', 10);
    expect(events[0]).toMatchObject({ kind: 'file', name: 'Alice', path: 'docs/a.txt', size: 1536 });
    expect(events[1]).toMatchObject({ kind: 'file', path: 'b.bin', size: 10 });
    expect(events[1]).not.toHaveProperty('name');
    expect(events[0]?.origin).toBeUndefined();
  });

  it('close emits closing and empties the room without leave notices', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    room.enter('b', 'ws');
    room.close();
    expect(events.map((e) => e.kind)).toEqual(['join', 'join', 'closing']);
    expect(room.size).toBe(0);
    expect(room.who()).toEqual([]);
    expect(codeOf(() => room.say(a, 'hi'))).toBe('NOT_IN_ROOM');
  });

  it('who lists members in order of entry; find is case-insensitive', () => {
    const { room } = setup();
    const b = room.enter('Bob', 'irc');
    const a = room.enter('alice', 'udp');
    const c = room.enter('张三', 'ws');
    expect(room.who()).toEqual([b, a, c]);
    room.leave(a);
    expect(room.who()).toEqual([b, c]);
    expect(room.find('BOB')).toBe(b);
    expect(room.find('bob')).toBe(b);
    expect(room.find('张三')).toBe(c);
    expect(room.find('alice')).toBeUndefined();
    expect(room.find('nobody')).toBeUndefined();
    expect(room.size).toBe(2);
  });

  it('unsubscribe stops delivery', () => {
    const { room, events } = setup();
    const mine: RoomEvent[] = [];
    const off = room.subscribe((e) => mine.push(e));
    room.enter('a', 'udp');
    off();
    room.enter('b', 'udp');
    expect(mine).toHaveLength(1);
    expect(events).toHaveLength(2);
  });

  it('a throwing listener does not stop the others; the error is reported', () => {
    const errors: unknown[] = [];
    const { room, events } = setup({ onListenerError: (err) => errors.push(err) });
    const boom = new Error('door bug');
    room.subscribe(() => {
      throw boom;
    });
    const after: RoomEvent[] = [];
    room.subscribe((e) => after.push(e));
    const a = room.enter('a', 'udp');
    room.say(a, 'hi');
    expect(events).toHaveLength(2);
    expect(after).toHaveLength(2);
    expect(errors).toEqual([boom, boom]);
  });
});

describe('Room: listeners acting on the room', () => {
  it('an event raised inside a listener reaches every listener after the one that caused it', () => {
    const { room } = setup();
    // A door that drops a member as soon as it hears its join (say, its socket just failed).
    room.subscribe((e) => {
      if (e.kind === 'join' && e.origin) room.leave(e.origin, 'disconnect');
    });
    const heard: Array<[number, string]> = [];
    room.subscribe((e) => heard.push([e.id, e.kind]));
    room.enter('a', 'udp');
    expect(heard).toEqual([
      [1, 'join'],
      [2, 'leave'],
    ]);
    expect(room.size).toBe(0);
  });

  it('a listener that sends a reply message keeps the order for everyone', () => {
    const { room, events } = setup();
    const bot = room.enter('bot', 'ws');
    room.subscribe((e) => {
      if (e.kind === 'message' && e.origin !== bot) room.say(bot, `echo ${e.text}`);
    });
    const a = room.enter('a', 'udp');
    room.say(a, 'ping');
    expect(events.map((e) => [e.id, e.kind === 'message' ? e.text : e.kind])).toEqual([
      [1, 'join'],
      [2, 'join'],
      [3, 'ping'],
      [4, 'echo ping'],
    ]);
  });
});

describe('Room: message rules', () => {
  it('refuses a text that is not a string (from a sloppy JSON decoder) with BAD_MESSAGE', () => {
    const { room } = setup();
    const a = room.enter('a', 'udp');
    expect(codeOf(() => room.say(a, 5 as unknown as string))).toBe('BAD_MESSAGE');
    expect(codeOf(() => room.say(a, undefined as unknown as string))).toBe('BAD_MESSAGE');
    expect(codeOf(() => room.enter(null as unknown as string, 'ws'))).toBe('BAD_NAME');
  });

  it('refuses empty and whitespace-only text', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    for (const text of ['', ' ', '   ', '\t', '\n', ' \n\t ', '\u00a0', '\u3000']) {
      expect(codeOf(() => room.say(a, text)), JSON.stringify(text)).toBe('EMPTY_MESSAGE');
    }
    expect(events).toHaveLength(1);
  });

  it('accepts 2000 code points and refuses 2001, counting Chinese and emoji as one each', () => {
    const { room } = setup({ flood: null });
    const a = room.enter('a', 'udp');
    expect(MAX_MESSAGE_LENGTH).toBe(2000);
    expect(codeOf(() => room.say(a, 'x'.repeat(2000)))).toBeUndefined();
    expect(codeOf(() => room.say(a, 'x'.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
    expect(codeOf(() => room.say(a, '中'.repeat(2000)))).toBeUndefined();
    expect(codeOf(() => room.say(a, '中'.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
    // 2000 emoji are 4000 UTF-16 units but 2000 characters.
    expect(codeOf(() => room.say(a, '😀'.repeat(2000)))).toBeUndefined();
    expect(codeOf(() => room.say(a, '😀'.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
  });

  it('reports the limit and the length of a long message', () => {
    try {
      checkMessage('中'.repeat(2001));
      expect.unreachable();
    } catch (err) {
      expect((err as NetroomError).params).toEqual({ max: 2000, length: 2001 });
    }
  });

  it('refuses control characters but allows tab and newline', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    for (const text of ['a\u0000b', 'a\u0007', 'bell\u0008', 'a\u001b[31mred', 'a\rb', 'a\u007fb', 'x\u000b', 'x\u000c']) {
      expect(codeOf(() => room.say(a, text)), JSON.stringify(text)).toBe('BAD_MESSAGE');
    }
    room.say(a, 'col1\tcol2');
    room.say(a, 'line1\nline2');
    expect(events.slice(-2).map((e) => (e.kind === 'message' ? e.text : ''))).toEqual(['col1\tcol2', 'line1\nline2']);
  });

  it('keeps the text as sent, leading and trailing spaces included', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    room.say(a, '  indented ');
    expect(events.at(-1)).toMatchObject({ text: '  indented ' });
  });
});

describe('Room: flood control', () => {
  it('refuses messages over the burst with RATE_LIMITED, and refills with time', () => {
    const { room, events, clock } = setup({ flood: { rate: 2, burst: 3 } });
    const a = room.enter('a', 'udp');
    for (let i = 0; i < 3; i += 1) room.say(a, `m${i}`);
    expect(codeOf(() => room.say(a, 'too fast'))).toBe('RATE_LIMITED');
    expect(events.filter((e) => e.kind === 'message')).toHaveLength(3);
    clock.now += 500; // one token at 2/s
    room.say(a, 'again');
    expect(codeOf(() => room.say(a, 'too fast'))).toBe('RATE_LIMITED');
  });

  it('limits each member separately', () => {
    const { room, clock } = setup({ flood: { rate: 1, burst: 2 } });
    const a = room.enter('a', 'udp');
    const b = room.enter('b', 'irc');
    room.say(a, '1');
    room.say(a, '2');
    expect(codeOf(() => room.say(a, '3'))).toBe('RATE_LIMITED');
    room.say(b, '1');
    room.say(b, '2');
    expect(codeOf(() => room.say(b, '3'))).toBe('RATE_LIMITED');
    clock.now += 1000;
    room.say(a, '4');
    room.say(b, '4');
  });

  it('invalid messages do not use up tokens', () => {
    const { room } = setup({ flood: { rate: 1, burst: 1 } });
    const a = room.enter('a', 'udp');
    expect(codeOf(() => room.say(a, ''))).toBe('EMPTY_MESSAGE');
    expect(codeOf(() => room.say(a, 'x'.repeat(3000)))).toBe('MESSAGE_TOO_LONG');
    room.say(a, 'ok');
  });

  it('a member who re-enters gets a fresh bucket, not the old one', () => {
    const { room } = setup({ flood: { rate: 1, burst: 1 } });
    const a = room.enter('a', 'udp');
    room.say(a, 'one');
    room.leave(a);
    const again = room.enter('a', 'udp');
    room.say(again, 'fresh');
  });

  it('uses the default 10:20 when flood is not given', () => {
    const { room } = setup();
    const a = room.enter('a', 'udp');
    for (let i = 0; i < 20; i += 1) room.say(a, `m${i}`);
    expect(codeOf(() => room.say(a, 'm20'))).toBe('RATE_LIMITED');
  });

  it('flood: null turns flood control off', () => {
    const { room, events } = setup({ flood: null });
    const a = room.enter('a', 'udp');
    for (let i = 0; i < 5000; i += 1) room.say(a, `m${i}`);
    expect(events.filter((e) => e.kind === 'message')).toHaveLength(5000);
  });
});

describe('i18n: noticeText', () => {
  const base = { id: 1, at: 0 };
  const cases: Array<[RoomEvent, string, string]> = [
    [{ ...base, kind: 'join', name: 'alice' }, 'alice joined the room', '欢迎 alice 进入聊天室'],
    [{ ...base, kind: 'message', name: 'alice', text: 'hi 你好' }, 'alice: hi 你好', 'alice 说: hi 你好'],
    [{ ...base, kind: 'leave', name: 'alice', reason: 'quit' }, 'alice left the room', 'alice 离开了聊天室'],
    [{ ...base, kind: 'leave', name: 'alice', reason: 'timeout' }, 'alice left the room', 'alice 离开了聊天室'],
    [{ ...base, kind: 'announce', text: 'bye at 5' }, '[admin] bye at 5', '管理员 说: bye at 5'],
    [{ ...base, kind: 'file', name: 'bob', path: 'a/b.txt', size: 1536 }, 'bob shared a/b.txt (1.5 KiB)', 'bob 分享了 a/b.txt (1.5 KiB)'],
    [{ ...base, kind: 'file', path: 'c.bin', size: 12 }, 'someone shared c.bin (12 B)', '有人 分享了 c.bin (12 B)'],
    [{ ...base, kind: 'closing' }, 'the server is closing', '服务器即将关闭'],
  ];

  it.each(cases)('%o', (event, en, zh) => {
    expect(noticeText('en', event)).toBe(en);
    expect(noticeText('zh', event)).toBe(zh);
  });

  it('covers every event kind the room emits', () => {
    const { room, events } = setup();
    const a = room.enter('a', 'udp');
    room.say(a, 'x');
    room.leave(a);
    room.announce('y');
    room.fileShared('f', 1);
    room.close();
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['join', 'message', 'leave', 'announce', 'file', 'closing']));
    for (const e of events) {
      expect(noticeText('en', e)).not.toBe('');
      expect(noticeText('zh', e)).not.toBe('');
    }
  });

  it('zh uses the seeds\u2019 exact wording', () => {
    const { room, events } = setup();
    const a = room.enter('小明', 'udp');
    room.say(a, '大家好');
    room.leave(a);
    room.announce('今晚维护');
    expect(events.map((e) => noticeText('zh', e))).toEqual(['欢迎 小明 进入聊天室', '小明 说: 大家好', '小明 离开了聊天室', '管理员 说: 今晚维护']);
  });
});

describe('i18n: errorText', () => {
  it('English shows the code and message; Chinese the seed-style text and the code', () => {
    const err = new NetroomError('NAME_TAKEN', 'the name a is already in the room');
    expect(errorText('en', err)).toBe('ERROR NAME_TAKEN: the name a is already in the room');
    expect(errorText('zh', err)).toBe('该用户已存在 (NAME_TAKEN)');
  });
});

describe('i18n: formatSize', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 - 1, '10.0 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [1024 * 1024, '1.0 MiB'],
    [5.5 * 1024 * 1024, '5.5 MiB'],
    [1024 ** 3 - 1, '1.0 GiB'],
    [1024 ** 3, '1.0 GiB'],
    [1024 ** 4, '1.0 TiB'],
    [2048 * 1024 ** 4, '2048.0 TiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
