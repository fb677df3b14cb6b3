// The IRC door's metered reads over real sockets: a burst is read in budget-sized slices, each slice's output leaves before the next is read.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FIRST_TURN_BYTES, MIN_SLICE_BYTES, ReadMeter, TURN_INPUT_BYTES, TURN_OUTPUT_BYTES } from '../src/doors/irc/reader.js';
import { FlushScheduler, LineWriter } from '../src/doors/irc/writer.js';
import { tcpPairs } from './helpers/tcp-pair.js';

/** A connected pair on 127.0.0.1: [client side, server side]. */
const pair = tcpPairs();

/** `count` IRC lines, about 50 bytes each. */
function lines(count: number): Buffer {
  let text = '';
  for (let i = 0; i < count; i++) text += `PRIVMSG #lobby :line ${String(i).padStart(6, '0')} xxxxxxxxxxxxxxxx\r\n`;
  return Buffer.from(text);
}

describe('ReadMeter', () => {
  it('hands a burst over in slices within the turn budget, and writes each slice\'s output before reading the next', async () => {
    const [client, peer] = await pair();
    const scheduler = new FlushScheduler();
    const recipients = 50;
    const meter = new ReadMeter(scheduler, () => recipients);
    // A burst starts with a short turn; the budget doubles while input waits, up to TURN_INPUT_BYTES.
    expect(meter.budget()).toBe(FIRST_TURN_BYTES);

    // The output side: each slice read queues one reply on the writer; the socket's writes are logged.
    const log: string[] = [];
    const spied = peer as unknown as { write: (chunk: Buffer) => boolean };
    const write = spied.write.bind(peer);
    spied.write = (chunk: Buffer): boolean => {
      log.push('write');
      return write(chunk);
    };
    const writer = new LineWriter(peer, scheduler, 1 << 20, () => {
      throw new Error('unexpected overflow');
    });

    const burst = lines(4000); // ~200 KB in one write: flowing mode would hand it over in 64 KB reads
    const slices: Buffer[] = [];
    let got = 0;
    const all = new Promise<void>((resolve) => {
      peer.on('data', (chunk: Buffer) => {
        log.push('read');
        slices.push(chunk);
        writer.push(Buffer.from(`ack ${chunk.length}\r\n`));
        got += chunk.length;
        if (got === burst.length) resolve();
      });
    });
    meter.attach(peer);
    client.write(burst);
    await all;
    // The last slice's reply is flushed on the next turn.
    await new Promise((resolve) => setImmediate(resolve));

    expect(Buffer.concat(slices).equals(burst)).toBe(true);
    expect(slices.length).toBeGreaterThan(burst.length / TURN_INPUT_BYTES);
    expect(slices[0]!.length).toBeLessThanOrEqual(FIRST_TURN_BYTES);
    for (const slice of slices) expect(slice.length).toBeLessThanOrEqual(TURN_INPUT_BYTES);
    expect(Math.max(...slices.map((s) => s.length))).toBeGreaterThan(FIRST_TURN_BYTES);
    // Never two slices read without the first one's output written in between.
    expect(log.join(' ')).not.toMatch(/read read/u);
    expect(log.filter((e) => e === 'write').length).toBe(slices.length);
  });

  it('still reads at least MIN_SLICE_BYTES a turn however many recipients there are', async () => {
    const [client, peer] = await pair();
    const meter = new ReadMeter(new FlushScheduler(), () => 1_000_000);
    expect(meter.budget()).toBe(MIN_SLICE_BYTES);
    const burst = lines(200);
    const sizes: number[] = [];
    let got = 0;
    const all = new Promise<void>((resolve) => {
      peer.on('data', (chunk: Buffer) => {
        sizes.push(chunk.length);
        got += chunk.length;
        if (got === burst.length) resolve();
      });
    });
    meter.attach(peer);
    client.write(burst);
    await all;
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MIN_SLICE_BYTES);
  });

  it('takes turns between sockets with input waiting, and lets a finished one end and close', async () => {
    const a = await pair();
    const b = await pair();
    const scheduler = new FlushScheduler();
    const meter = new ReadMeter(scheduler, () => 4000); // a very large room: 2 KB a turn
    expect(meter.budget()).toBe(Math.floor(TURN_OUTPUT_BYTES / 4000));
    const order: string[] = [];
    const burst = lines(400);
    const done = [a, b].map(([client, peer], i) => {
      let got = 0;
      const name = i === 0 ? 'a' : 'b';
      peer.on('data', (chunk: Buffer) => {
        order.push(name);
        got += chunk.length;
      });
      meter.attach(peer);
      const ended = once(peer, 'end').then(() => expect(got).toBe(burst.length));
      client.end(burst);
      return Promise.all([ended, once(peer, 'close')]);
    });
    await Promise.all(done);
    // Both bursts were waiting at once for most of the run: neither was read to its end before the other started.
    const firstB = order.indexOf('b');
    const lastA = order.lastIndexOf('a');
    expect(firstB).toBeLessThan(lastA);
  });
});
