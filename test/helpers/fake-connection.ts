// A fake WebSocket connection for the fan-out unit tests: a socket that records each write and can claim a backlog, no network.
import { Writable } from 'node:stream';
import type { Member } from '../../src/core/chat/types.js';

/** Records each write (a corked run of writes is one writev, kept as one chunk); extend it with a fan-out's own target fields. */
export class FakeConnection {
  readonly chunks: Buffer[] = [];
  open = true;
  /** What the fake socket claims to buffer (writableLength), to play a slow reader. */
  readonly backlog = { bytes: 0 };
  readonly socket: Writable;

  constructor(readonly member: Member | undefined) {
    const { chunks, backlog } = this;
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

  /** Everything written so far, as text. */
  get received(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}
