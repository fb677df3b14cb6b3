// The socket fuzzer's raw WebSocket driver: an upgrade by hand, then client frames (RFC 6455 5.2) with fuzzed headers and payloads.
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { wsMessage } from './corpus.js';
import { mutate, type Rng } from './mutate.js';

/** Frames per connection at most: a fatal frame (bad framing, a text frame that is not UTF-8) ends it sooner. */
const FRAMES_PER_CONNECTION = 200;
const WAIT_MS = 3000;

/** One client frame: masked, FIN set, a text or binary opcode, the right length; `broken` twists a header field. */
function frame(rng: Rng, payload: Buffer, broken: boolean): { bytes: Buffer; fatal: boolean } {
  let opcode = rng.chance(0.95) ? 0x1 : 0x2;
  let first = 0x80 | opcode;
  let masked = true;
  let declared = payload.length;
  let fatal = opcode === 0x1 && !isUtf8(payload);
  if (broken) {
    fatal = true;
    switch (rng.int(5)) {
      case 0:
        opcode = rng.pick([0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xf]); // reserved opcodes (RFC 6455 5.2)
        first = 0x80 | opcode;
        break;
      case 1:
        first |= 0x10 << rng.int(3); // RSV bits without an extension
        break;
      case 2:
        masked = false; // a client must mask (RFC 6455 5.3)
        break;
      case 3:
        first = rng.chance(0.5) ? 0x00 : 0x09 | (rng.chance(0.5) ? 0 : 0x80); // a stray continuation, or a ping without FIN
        if (first === 0x89) fatal = payload.length > 125;
        break;
      default:
        declared = rng.chance(0.5) ? 2 ** 53 : payload.length + 1 + rng.int(10); // a length the bytes never fill
    }
  }
  const header: number[] = [first];
  const maskBit = masked ? 0x80 : 0;
  if (declared < 126) header.push(maskBit | declared);
  else if (declared < 65536) header.push(maskBit | 126, declared >> 8, declared & 0xff);
  else {
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(declared));
    header.push(maskBit | 127, ...big);
  }
  const body = Buffer.from(payload);
  if (masked) {
    const key = rng.bytes(4);
    header.push(...key);
    for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (key[i & 3] ?? 0);
  }
  return { bytes: Buffer.concat([Buffer.from(header), body]), fatal };
}

/**
 * One raw connection: upgrade, enter, up to `n` frames, close. Resolves with the frames the door
 * read: those up to and including the first fatal one, after which the door closes (RFC 6455 7.1.7).
 */
export function rawWsSession(port: number, rng: Rng, n: number, name: string): Promise<{ sent: number; closed: boolean; received: number }> {
  const frames: Buffer[] = [];
  let sent = 0;
  for (let i = 0; i < Math.min(n, FRAMES_PER_CONNECTION); i++) {
    const f = frame(rng, mutate(rng, wsMessage(rng, name), () => wsMessage(rng, name), 4096), rng.chance(0.03));
    frames.push(f.bytes);
    sent += 1;
    if (f.fatal) break;
  }
  const enter = frame(rng, Buffer.from(JSON.stringify({ type: 'enter', name })), false).bytes;
  const close = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]); // close 1000, masked with a zero key
  const upgrade = Buffer.from(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = 0;
    let upgraded = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ sent: upgraded ? sent : 0, closed, received });
    };
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (upgraded || !chunk.toString('latin1').startsWith('HTTP/1.1 101')) return;
      upgraded = true;
      // Then EOF: a frame whose declared length is never filled would otherwise keep the door waiting for its bytes.
      socket.end(Buffer.concat([enter, ...frames, close]));
      timer = setTimeout(() => finish(false), WAIT_MS);
    });
    socket.on('connect', () => {
      socket.write(upgrade);
      timer = setTimeout(() => finish(false), WAIT_MS);
    });
  });
}
