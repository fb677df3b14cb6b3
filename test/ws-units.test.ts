// Unit tests of the WebSocket codec (validation, rendering, framing) and the library's broadcast fan-out, without sockets.
import { describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import type { ChatEvent, Member } from '../src/core/chat/types.js';
import {
  decodeClientMessage,
  encodeEventMessage,
  encodeServerMessage,
  encodeHistory,
  encodeJoined,
  encodeResults,
  encodeWelcome,
  frameText,
} from '../src/doors/ws/codec.js';
import { wireEvent, wireLeave, wireRoom, wireStored } from '../src/doors/ws/wire.js';
import { WsFanOut, type FanOutTarget } from '../src/doors/ws/fanout.js';
import { FakeConnection } from './helpers/fake-connection.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** ws's frame parser (exported by ws, not declared by @types/ws): an independent reader of our frames. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

describe('decodeClientMessage', () => {
  const ok = (input: string): unknown => decodeClientMessage(text(input), false);

  it('accepts the single-room messages of old clients, ignoring unknown extra fields', () => {
    expect(ok('{"type":"enter","name":"a"}')).toEqual({ ok: true, message: { type: 'enter', name: 'a' } });
    expect(ok('{"type":"enter","name":"a","resume":"t"}')).toEqual({ ok: true, message: { type: 'enter', name: 'a', resume: 't' } });
    expect(ok('{"type":"enter","name":"a","resume":null}')).toEqual({ ok: true, message: { type: 'enter', name: 'a' } });
    // No name: a connection signed in at the upgrade enters under its account (the door refuses a guest).
    expect(ok('{"type":"enter"}')).toEqual({ ok: true, message: { type: 'enter' } });
    expect(ok('{"type":"enter","resume":"t"}')).toEqual({ ok: true, message: { type: 'enter', resume: 't' } });
    expect(ok('{"type":"say","text":"hi","extra":1}')).toEqual({ ok: true, message: { type: 'say', text: 'hi' } });
    expect(ok('{"type":"who"}')).toEqual({ ok: true, message: { type: 'who' } });
    expect(decodeClientMessage([text('{"type":'), text('"leave"}')], false)).toEqual({ ok: true, message: { type: 'leave' } });
  });

  it('accepts every room and conversation message with its optional fields, null meaning absent', () => {
    const cases: [string, object][] = [
      ['{"type":"say","text":"hi","room":"#dev"}', { type: 'say', text: 'hi', room: '#dev' }],
      ['{"type":"say","text":"hi","to":"bob","room":null}', { type: 'say', text: 'hi', to: 'bob' }],
      ['{"type":"join","room":"#dev"}', { type: 'join', room: '#dev' }],
      ['{"type":"join","room":"#dev","key":"k"}', { type: 'join', room: '#dev', key: 'k' }],
      ['{"type":"part","room":"#dev"}', { type: 'part', room: '#dev' }],
      ['{"type":"topic","room":"#dev","topic":""}', { type: 'topic', room: '#dev', topic: '' }],
      ['{"type":"who","room":"#dev"}', { type: 'who', room: '#dev' }],
      ['{"type":"rooms"}', { type: 'rooms' }],
      ['{"type":"history"}', { type: 'history' }],
      ['{"type":"history","room":"#dev","before":10,"limit":200}', { type: 'history', room: '#dev', before: 10, limit: 200 }],
      ['{"type":"history","with":"bob","limit":1}', { type: 'history', with: 'bob', limit: 1 }],
      ['{"type":"search","query":"deploy","before":5,"limit":3}', { type: 'search', query: 'deploy', before: 5, limit: 3 }],
      ['{"type":"conversations"}', { type: 'conversations' }],
    ];
    for (const [input, message] of cases) expect(ok(input), input).toEqual({ ok: true, message });
  });

  it('refuses binary, bad JSON, non-objects, unknown types and wrong fields as BAD_REQUEST, naming the field', () => {
    const cases: [string, boolean, string | undefined, RegExp][] = [
      ['{"type":"who"}', true, undefined, /binary/u],
      ['{', false, undefined, /JSON/u],
      ['[1]', false, undefined, /object/u],
      ['null', false, undefined, /object/u],
      ['{"type":"toString"}', false, undefined, /unknown type/u],
      ['{"type":"enter","name":3}', false, 'enter', /"name"/u],
      ['{"type":"enter","name":"a","resume":1}', false, 'enter', /"resume"/u],
      ['{"type":"say","text":null}', false, 'say', /"text"/u],
      ['{"type":"say","text":"x","room":"#a","to":"b"}', false, 'say', /not both/u],
      ['{"type":"say","text":"x","room":5}', false, 'say', /"room" must be a string/u],
      ['{"type":"say","text":"x","to":["b"]}', false, 'say', /"to" must be a string/u],
      ['{"type":"join"}', false, 'join', /"room" is required/u],
      [`{"type":"join","room":"#a","key":"${'k'.repeat(33)}"}`, false, 'join', /"key" is at most 32/u],
      [`{"type":"part","room":"#${'r'.repeat(300)}"}`, false, 'part', /"room" is at most/u],
      ['{"type":"topic","room":"#a"}', false, 'topic', /"topic" is required/u],
      ['{"type":"who","room":true}', false, 'who', /"room"/u],
      ['{"type":"history","room":"#a","with":"b"}', false, 'history', /not both/u],
      ['{"type":"history","before":0}', false, 'history', /"before" must be a whole number/u],
      ['{"type":"history","before":1.5}', false, 'history', /"before"/u],
      ['{"type":"history","before":"9"}', false, 'history', /"before"/u],
      ['{"type":"history","limit":201}', false, 'history', /"limit" must be a whole number from 1 to 200/u],
      ['{"type":"history","limit":0}', false, 'history', /"limit"/u],
      ['{"type":"search"}', false, 'search', /"query" is required/u],
      ['{"type":"search","query":"  "}', false, 'search', /empty/u],
      [`{"type":"search","query":"${'q'.repeat(201)}"}`, false, 'search', /"query" is at most 200/u],
      ['{"type":"search","query":"x","limit":-1}', false, 'search', /"limit"/u],
    ];
    for (const [input, binary, about, message] of cases) {
      const result = decodeClientMessage(text(input), binary);
      expect(result.ok, input).toBe(false);
      if (!result.ok) {
        expect(result.error.code, input).toBe('BAD_REQUEST');
        expect(result.about, input).toBe(about);
        expect(result.error.message, input).toMatch(message);
      }
    }
  });
});

describe('wire events', () => {
  const quit: Extract<ChatEvent, { kind: 'quit' }> = { id: 9, at: 5, kind: 'quit', name: 'bo', reason: 'timeout', rooms: ['#lobby', '#dev'], audience: [] };

  it('a quit is one leave per room; live and stored rows render alike, #lobby with the one-room texts', () => {
    const lobby = wireLeave('en', quit, '#lobby', 42);
    expect(lobby).toEqual({ id: 42, at: 5, kind: 'leave', room: '#lobby', name: 'bo', reason: 'timeout', notice: 'bo left the room' });
    expect(wireStored('en', { id: 42, at: 5, kind: 'leave', room: '#lobby', name: 'bo', reason: 'timeout' })).toEqual(lobby);
    const dev = wireLeave('en', quit, '#dev', 43);
    expect(dev.notice).toBe('bo left #dev');
    expect(wireStored('en', { id: 43, at: 5, kind: 'leave', room: '#dev', name: 'bo', reason: 'timeout' })).toEqual(dev);
    expect(wireStored('en', { id: 44, at: 5, kind: 'leave', room: '#dev', name: 'bo', reason: 'part' }).notice).toBe('bo left #dev');
  });

  it('renders every kind with its fields', () => {
    const base = { id: 1, at: 2, audience: [] };
    expect(wireEvent('en', { ...base, kind: 'message', room: '#dev', name: 'a', text: 'hi', notice: true }, 7)).toEqual({
      id: 7, at: 2, kind: 'message', room: '#dev', name: 'a', text: 'hi', asNotice: true, notice: '[#dev] a: hi',
    });
    expect(wireEvent('en', { ...base, kind: 'message', room: '#lobby', name: 'a', text: 'hi' }, 7).notice).toBe('a: hi');
    expect(wireEvent('en', { ...base, kind: 'dm', name: 'a', to: 'b', text: 'psst' }, 8)).toEqual({
      id: 8, at: 2, kind: 'dm', name: 'a', to: 'b', text: 'psst', notice: 'a (private): psst',
    });
    expect(wireEvent('zh', { ...base, kind: 'dm', name: 'a', to: 'b', text: 'psst' }, 8).notice).toBe('a 私下说: psst');
    expect(wireEvent('en', { ...base, kind: 'topic', room: '#dev', name: 'a', topic: 'builds' }, 9)).toMatchObject({ kind: 'topic', room: '#dev', name: 'a', text: 'builds' });
    expect(wireEvent('en', { ...base, kind: 'mode', room: '#dev', name: 'a', change: '+o', args: ['b'] }, 9)).toMatchObject({ id: 0, kind: 'mode', text: '+o b' });
    expect(wireEvent('en', { ...base, kind: 'invite', room: '#dev', name: 'a', to: 'b' }, 9)).toMatchObject({ id: 0, kind: 'invite', name: 'a', to: 'b' });
    expect(wireEvent('en', { ...base, kind: 'away', name: 'a', text: null }, 9)).toEqual({ id: 0, at: 2, kind: 'away', name: 'a', notice: 'a is back' });
    expect(wireEvent('en', { ...base, kind: 'join', room: '#dev', name: 'a' }, 3)).toEqual({ id: 3, at: 2, kind: 'join', room: '#dev', name: 'a', notice: 'a joined #dev' });
    expect(wireEvent('en', { ...base, kind: 'file', room: '#dev', path: 'p', size: 1 }, 3)).toMatchObject({ kind: 'file', room: '#dev', notice: '[#dev] someone shared p (1 B)' });
    expect(wireStored('zh', { id: 1, at: 1, kind: 'announce', text: '你好' }).notice).toBe('管理员 说: 你好');
    expect(wireEvent('en', { ...base, kind: 'closing' }, 3)).toEqual({ id: 0, at: 2, kind: 'closing', notice: 'the server is closing' });
  });

  it('a room lists its key only to its members', () => {
    const info = { name: '#k', key: '#k', topic: 't', topicBy: null, topicAt: null, createdAt: 0, size: 1, modes: { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: 'sesame', limit: null } };
    expect(wireRoom(info, false).modes.key).toBe('*');
    expect(wireRoom(info, true)).toEqual({ name: '#k', topic: 't', size: 1, modes: info.modes });
  });
});

describe('pre-rendered messages', () => {
  it('encode exactly as encodeServerMessage would', () => {
    const e1 = wireStored('en', { id: 1, at: 2, kind: 'message', room: '#lobby', name: 'a"b', text: 'x\ny' });
    const e2 = wireStored('en', { id: 2, at: 3, kind: 'file', room: '#lobby', path: 'p q', size: 1 });
    const json = [JSON.stringify(e1), JSON.stringify(e2)];
    const room = { name: '#lobby', topic: '', size: 2, modes: { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: null, limit: null } };
    expect(encodeWelcome('né', ['a"b', 'né'], json, 'tok', [room], { name: 'né', role: 'admin' })).toBe(
      encodeServerMessage({ type: 'welcome', name: 'né', members: ['a"b', 'né'], history: [e1, e2], resume: 'tok', rooms: [room], account: { name: 'né', role: 'admin' } }),
    );
    expect(encodeWelcome('x', [], [], 't', [], null)).toBe(encodeServerMessage({ type: 'welcome', name: 'x', members: [], history: [], resume: 't', rooms: [], account: null }));
    expect(encodeEventMessage(JSON.stringify(e1))).toBe(encodeServerMessage({ type: 'event', event: e1 }));
    expect(encodeJoined(room, ['a'], ['a'], json)).toBe(encodeServerMessage({ type: 'joined', room, members: ['a'], ops: ['a'], history: [e1, e2] }));
    expect(encodeHistory({ room: '#lobby' }, json, true)).toBe(encodeServerMessage({ type: 'history', room: '#lobby', events: [e1, e2], more: true }));
    expect(encodeHistory({ with: 'b"' }, [], false)).toBe(encodeServerMessage({ type: 'history', with: 'b"', events: [], more: false }));
    expect(encodeResults('q"', json)).toBe(encodeServerMessage({ type: 'results', query: 'q"', events: [e1, e2] }));
  });
});

describe('frameText', () => {
  /** Parse frames back with ws's own receiver (as a client would). */
  function parse(frames: Buffer): string[] {
    const out: string[] = [];
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data) => out.push(data.toString('utf8')));
    receiver.write(frames);
    return out;
  }

  it('frames payloads at every length boundary of RFC 6455 5.2, readable by ws', () => {
    for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
      const payload = 'é'.repeat(Math.floor(length / 2)) + (length % 2 ? 'x' : '');
      const frame = frameText(payload);
      expect(frame[0]).toBe(0x81);
      expect(frame.length - Buffer.byteLength(payload)).toBe(length < 126 ? 2 : length < 65536 ? 4 : 10);
      expect(parse(frame)).toEqual([payload]);
    }
  });

  it('concatenated frames are a valid stream', () => {
    expect(parse(Buffer.concat([frameText('a'), frameText('b'.repeat(300)), frameText('c')]))).toEqual(['a', 'b'.repeat(300), 'c']);
  });
});

/** A fake connection (see FakeConnection) with the broadcast fan-out's fields. */
class FakeTarget extends FakeConnection implements FanOutTarget {
  slot = -1;
  batchStart = 0;
}

const member = (name: string): Member => ({ name, key: name, door: 'ws', since: 0 });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WsFanOut', () => {
  it('writes one batch per turn to each target, leaving out the frames it authored', async () => {
    const fan = new WsFanOut<FakeTarget>(1 << 20, () => undefined);
    const [ma, mb] = [member('a'), member('b')];
    const [a, b, c] = [new FakeTarget(ma), new FakeTarget(mb), new FakeTarget(undefined)];
    [a, b, c].forEach((t) => fan.add(t));
    fan.push(Buffer.from('A1'), ma);
    fan.push(Buffer.from('B1'), mb);
    fan.push(Buffer.from('X1'));
    fan.push(Buffer.from('A2'), ma);
    expect(c.chunks).toHaveLength(0); // nothing before the end of the turn
    await turn();
    expect(a.received).toBe('B1X1');
    expect(b.received).toBe('A1X1A2');
    expect(c.received).toBe('A1B1X1A2');
    expect(c.chunks).toHaveLength(1); // one write for the whole turn
    expect(b.chunks).toHaveLength(1); // views written corked: one writev
  });

  it('a target added mid-turn gets only later frames; one removed mid-turn gets the earlier ones', async () => {
    const fan = new WsFanOut<FakeTarget>(1 << 20, () => undefined);
    const [early, late] = [new FakeTarget(member('e')), new FakeTarget(member('l'))];
    fan.add(early);
    fan.push(Buffer.from('1'));
    fan.add(late);
    fan.push(Buffer.from('2'));
    fan.remove(early);
    fan.push(Buffer.from('3'));
    await turn();
    expect(early.received).toBe('12');
    expect(late.received).toBe('23');
    expect(fan.size).toBe(1);
  });

  it('skips closing targets and reports slow ones after the loop', () => {
    const slow: FakeTarget[] = [];
    const fan = new WsFanOut<FakeTarget>(100, (t) => slow.push(t));
    const [ok, closing, lagging] = [new FakeTarget(undefined), new FakeTarget(undefined), new FakeTarget(undefined)];
    [ok, closing, lagging].forEach((t) => fan.add(t));
    closing.open = false;
    lagging.backlog.bytes = 101;
    fan.push(Buffer.from('hi'));
    fan.flush();
    expect(ok.received).toBe('hi');
    expect(closing.received).toBe('');
    expect(slow).toEqual([lagging]);
  });

  it('broadcastNow writes what is queued, then the frame to everyone, authors included', () => {
    const fan = new WsFanOut<FakeTarget>(1 << 20, () => undefined);
    const ma = member('a');
    const a = new FakeTarget(ma);
    fan.add(a);
    fan.push(Buffer.from('mine'), ma);
    fan.push(Buffer.from('x'));
    fan.broadcastNow(Buffer.from('bye'));
    expect(a.received).toBe('xbye');
  });

  it('does nothing without targets', async () => {
    const fan = new WsFanOut<FakeTarget>(1 << 20, () => undefined);
    fan.push(Buffer.from('lost'));
    const t = new FakeTarget(undefined);
    fan.add(t);
    await turn();
    expect(t.received).toBe('');
  });
});
