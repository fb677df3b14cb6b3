// The IRC door's writer over a real socket: one write per turn, consecutive event lines written as one slab range without a copy, order kept.
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EncodedLines } from '../src/doors/irc/lines.js';
import { LineSlab } from '../src/doors/irc/slab.js';
import { FlushScheduler, LineWriter } from '../src/doors/irc/writer.js';
import { tcpPairs } from './helpers/tcp-pair.js';

/** A connected pair on 127.0.0.1: [client side, server side]. */
const pair = tcpPairs();

/** Record what the socket is asked to write. */
function spyWrites(socket: Socket): Buffer[] {
  const writes: Buffer[] = [];
  const spied = socket as unknown as { write: (chunk: Buffer) => boolean };
  const write = spied.write.bind(socket);
  spied.write = (chunk: Buffer): boolean => {
    writes.push(chunk);
    return write(chunk);
  };
  return writes;
}

/** Read from `client` until `bytes` have arrived. */
async function receive(client: Socket, bytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of client) {
    chunks.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    if (got >= bytes) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

const event = (i: number): EncodedLines => new EncodedLines(`:n${i}!u@irc.netroom PRIVMSG #lobby :message ${i} ü\r\n`, 1_700_000_000_000 + i);

describe('LineWriter', () => {
  it('writes a turn of consecutive slab lines as one view of the slab, no copy', async () => {
    const [client, peer] = await pair();
    const writes = spyWrites(peer);
    const writer = new LineWriter(peer, new FlushScheduler(), 1 << 20, () => undefined);
    const slab = new LineSlab();
    const lines = Array.from({ length: 200 }, (_, i) => slab.encode(`:n${i}!u@irc.netroom PRIVMSG #lobby :message ${i} ü\r\n`));
    for (const line of lines) writer.push(line);
    writer.flush();
    expect(writes).toHaveLength(1);
    const written = writes[0] as Buffer;
    const expected = Buffer.concat(lines);
    expect(written.equals(expected)).toBe(true);
    expect(written.buffer).toBe(lines[0]?.buffer);
    expect(written.byteOffset).toBe(lines[0]?.byteOffset);
    expect(await receive(client, expected.length)).toBe(expected.toString('utf8'));
  });

  it('packs event lines back to back, each variant in its own slab', () => {
    const events = Array.from({ length: 3 }, (_, i) => event(i));
    const [a, b] = events as [EncodedLines, EncodedLines];
    // The plain lines of consecutive events follow each other (unless a slab filled up in between).
    if (a.plain.buffer === b.plain.buffer) expect(b.plain.byteOffset).toBe(a.plain.byteOffset + a.plain.length);
    expect(a.tagged.toString()).toBe(`@time=${new Date(1_700_000_000_000).toISOString()} ${a.plain.toString()}`);
    expect(a.tagged.buffer).not.toBe(a.plain.buffer);
    const long = new EncodedLines(`:x!u@h PRIVMSG #lobby :${'y'.repeat(400)}\r\n`, 0);
    expect(long.plain.toString()).toBe(`:x!u@h PRIVMSG #lobby :${'y'.repeat(400)}\r\n`);
  });

  it('keeps the order when lines skip an event, mix variants and come from elsewhere', async () => {
    const [client, peer] = await pair();
    const writes = spyWrites(peer);
    const writer = new LineWriter(peer, new FlushScheduler(), 1 << 20, () => undefined);
    const events = Array.from({ length: 6 }, (_, i) => event(i));
    const own = Buffer.from(':irc.netroom 001 me :Welcome\r\n');
    const pushed = [events[0]!.plain, events[1]!.plain, events[3]!.tagged, own, events[4]!.plain, events[5]!.plain, events[5]!.plain];
    for (const b of pushed) writer.push(b);
    expect(writer.queuedBytes).toBe(pushed.reduce((n, b) => n + b.length, 0));
    writer.flush();
    expect(writes).toHaveLength(1);
    const expected = Buffer.concat(pushed);
    expect((writes[0] as Buffer).equals(expected)).toBe(true);
    expect(await receive(client, expected.length)).toBe(expected.toString('utf8'));
  });

  it('queues a turn of pushes for one scheduled flush, and writes nothing after stop()', async () => {
    const [, peer] = await pair();
    const writes = spyWrites(peer);
    const scheduler = new FlushScheduler();
    const writer = new LineWriter(peer, scheduler, 1 << 20, () => undefined);
    for (let i = 0; i < 50; i++) writer.push(event(i).plain);
    expect(writes).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    writer.push(event(99).plain);
    writer.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writer.queuedBytes).toBe(0);
  });
});
