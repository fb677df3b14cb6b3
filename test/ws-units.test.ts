// Unit tests of the WebSocket codec (validation, rendering, framing) and the batching fan-out, without sockets.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import type { Member } from '../src/core/room.js';
import {
  decodeClientMessage,
  encodeEventMessage,
  encodeServerMessage,
  encodeWelcome,
  frameText,
  wireEvent,
  wireStored,
} from '../src/doors/ws/codec.js';
import { WsFanOut, type FanOutTarget } from '../src/doors/ws/fanout.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** ws's frame parser (exported by ws, not declared by @types/ws): an independent reader of our frames. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

describe('decodeClientMessage', () => {
  it('accepts the four client messages, ignoring unknown extra fields', () => {
    expect(decodeClientMessage(text('{"type":"enter","name":"a"}'), false)).toEqual({ ok: true, message: { type: 'enter', name: 'a' } });
    expect(decodeClientMessage(text('{"type":"enter","name":"a","resume":"t"}'), false)).toEqual({
      ok: true,
      message: { type: 'enter', name: 'a', resume: 't' },
    });
    expect(decodeClientMessage(text('{"type":"enter","name":"a","resume":null}'), false)).toEqual({ ok: true, message: { type: 'enter', name: 'a' } });
    expect(decodeClientMessage(text('{"type":"say","text":"hi","extra":1}'), false)).toEqual({ ok: true, message: { type: 'say', text: 'hi' } });
    expect(decodeClientMessage(text('{"type":"who"}'), false)).toEqual({ ok: true, message: { type: 'who' } });
    expect(decodeClientMessage([text('{"type":'), text('"leave"}')], false)).toEqual({ ok: true, message: { type: 'leave' } });
  });

  it('refuses binary, bad JSON, non-objects, unknown types and wrong field types as BAD_REQUEST', () => {
    const cases: [string, boolean, string | undefined][] = [
      ['{"type":"who"}', true, undefined],
      ['{', false, undefined],
      ['[1]', false, undefined],
      ['null', false, undefined],
      ['{"type":"toString"}', false, undefined],
      ['{"type":"enter"}', false, 'enter'],
      ['{"type":"enter","name":"a","resume":1}', false, 'enter'],
      ['{"type":"say","text":null}', false, 'say'],
    ];
    for (const [input, binary, about] of cases) {
      const result = decodeClientMessage(text(input), binary);
      expect(result.ok, input).toBe(false);
      if (!result.ok) {
        expect(result.error.code, input).toBe('BAD_REQUEST');
        expect(result.about, input).toBe(about);
      }
    }
  });
});

describe('wire events', () => {
  it('renders live and stored events with the same fields and notice', () => {
    const live = wireEvent('en', { id: 9, at: 5, kind: 'leave', name: 'bo', reason: 'timeout' }, 42);
    expect(live).toEqual({ id: 42, at: 5, kind: 'leave', name: 'bo', reason: 'timeout', notice: 'bo left the room' });
    expect(wireStored('en', { id: 42, at: 5, kind: 'leave', name: 'bo', reason: 'timeout' })).toEqual(live);
    expect(wireStored('zh', { id: 1, at: 1, kind: 'announce', text: '你好' }).notice).toBe('管理员 说: 你好');
    expect(wireEvent('en', { id: 3, at: 4, kind: 'closing' }, 3)).toEqual({ id: 3, at: 4, kind: 'closing', notice: 'the server is closing' });
  });
});

describe('pre-rendered messages', () => {
  it('encode exactly as encodeServerMessage would', () => {
    const e1 = wireStored('en', { id: 1, at: 2, kind: 'message', name: 'a"b', text: 'x\ny' });
    const e2 = wireStored('en', { id: 2, at: 3, kind: 'file', path: 'p q', size: 1 });
    const json = [JSON.stringify(e1), JSON.stringify(e2)];
    expect(encodeWelcome('né', ['a"b', 'né'], json, 'tok')).toBe(
      encodeServerMessage({ type: 'welcome', name: 'né', members: ['a"b', 'né'], history: [e1, e2], resume: 'tok' }),
    );
    expect(encodeWelcome('x', [], [], 't')).toBe(encodeServerMessage({ type: 'welcome', name: 'x', members: [], history: [], resume: 't' }));
    expect(encodeEventMessage(JSON.stringify(e1))).toBe(encodeServerMessage({ type: 'event', event: e1 }));
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

/** A fake connection: a socket that records what it is written. */
class FakeTarget implements FanOutTarget {
  readonly chunks: Buffer[] = [];
  slot = -1;
  batchStart = 0;
  open = true;
  /** What the fake socket claims to buffer (writableLength), to play a slow reader. */
  readonly backlog = { bytes: 0 };
  readonly socket: Writable;

  constructor(readonly member: Member | undefined) {
    const chunks = this.chunks;
    const backlog = this.backlog;
    this.socket = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
      writev(list, cb) {
        chunks.push(Buffer.concat(list.map((c) => c.chunk as Buffer)));
        cb();
      },
    });
    Object.defineProperty(this.socket, 'writableLength', { get: () => backlog.bytes });
  }

  get received(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
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
