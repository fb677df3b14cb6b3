// Per-connection output: lines queue during an event-loop turn and leave in one socket write, bounded.
import type { Socket } from 'node:net';

/**
 * Flushes every writer that got lines during this turn, once, on the next `setImmediate`: by
 * then all reads of the current poll phase have been handled, so a recipient of many events
 * (a busy room) gets one write of all of them instead of one write per line.
 */
export class FlushScheduler {
  private dirty: LineWriter[] = [];
  private scheduled = false;

  /** Queue `writer` for the next flush (a writer calls this once per turn). */
  add(writer: LineWriter): void {
    this.dirty.push(writer);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  /** Flush everything now (shutdown, or a connection about to end). */
  flushAll(): void {
    this.run();
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const writers = this.dirty;
    this.dirty = [];
    for (let i = 0; i < writers.length; i++) (writers[i] as LineWriter).flush();
  };
}

/** How far past the send queue lines may pile up within one turn before the client is dropped anyway. */
const TURN_FACTOR = 8;

/**
 * The lines of one connection. `push` takes shared, already encoded buffers (one per event for
 * all recipients) and only remembers them; `flush` writes them as one buffer. The send queue
 * counts what the kernel has not taken yet: a client whose backlog would go past `sendQueueBytes`
 * is not read-limited by us, it is dropped (`onOverflow`), so one slow reader never holds memory
 * nor slows the others.
 */
export class LineWriter {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private queued = false;
  private dead = false;

  constructor(
    private readonly socket: Socket,
    private readonly scheduler: FlushScheduler,
    private readonly sendQueueBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Queue encoded lines (CR LF included) for this connection's next write. */
  push(buf: Buffer): void {
    if (this.dead) return;
    this.chunks.push(buf);
    this.bytes += buf.length;
    if (!this.queued) {
      this.queued = true;
      this.scheduler.add(this);
    } else if (this.bytes > this.sendQueueBytes * TURN_FACTOR) {
      this.overflow();
    }
  }

  /** Write what is queued as one buffer; drops the client if its unread backlog is over the limit. */
  flush(): void {
    this.queued = false;
    if (this.dead || this.bytes === 0) return;
    const chunks = this.chunks;
    const bytes = this.bytes;
    this.chunks = [];
    this.bytes = 0;
    const socket = this.socket;
    if (!socket.writable) {
      this.dead = true;
      return;
    }
    const backlog = socket.writableLength;
    if (backlog > 0 && backlog + bytes > this.sendQueueBytes) {
      this.overflow();
      return;
    }
    socket.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes));
  }

  /** Bytes queued here (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Stop writing: queued lines are dropped and later pushes ignored. */
  stop(): void {
    this.dead = true;
    this.chunks = [];
    this.bytes = 0;
  }

  private overflow(): void {
    this.stop();
    this.onOverflow();
  }
}
