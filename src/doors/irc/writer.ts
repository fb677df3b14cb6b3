// Per-connection output: lines queue during an event-loop turn and leave in one socket write, bounded.
import type { Socket } from 'node:net';
import { runAfterOutput } from '../../net/after-output.js';

/**
 * Flushes every writer that got lines during this turn, once, on the next `setImmediate`: by
 * then all reads of the current poll phase have been handled, so a recipient of many events
 * (a busy room) gets one write of all of them instead of one write per line.
 */
export class FlushScheduler {
  private dirty: LineWriter[] = [];
  private after: Array<() => void> = [];
  private scheduled = false;
  /** Whether the door's reader has input left for its next turn (set by it; see ReadMeter). */
  inputWaiting: () => boolean = () => false;

  /** Queue `writer` for the next flush (a writer calls this once per turn). */
  add(writer: LineWriter): void {
    this.dirty.push(writer);
    this.schedule();
  }

  /** Call `fn` once, right after the next flush (the reader's next slice waits for this turn's output to leave). */
  afterFlush(fn: () => void): void {
    this.after.push(fn);
    this.schedule();
  }

  /** Flush everything now (shutdown, or a connection about to end). */
  flushAll(): void {
    this.flushWriters();
  }

  private flushWriters(): void {
    const writers = this.dirty;
    this.dirty = [];
    for (let i = 0; i < writers.length; i++) (writers[i] as LineWriter).flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.flushWriters();
    // The work that waited for this output (history commits) goes now, before more input is read.
    runAfterOutput(this.inputWaiting());
    if (this.after.length === 0) return;
    // What these queue (more input, more output) is for the next run: one turn per run.
    const after = this.after;
    this.after = [];
    for (let i = 0; i < after.length; i++) (after[i] as () => void)();
  };
}

/** How far past the send queue lines may pile up within one turn before the client is dropped anyway. */
const TURN_FACTOR = 8;

/**
 * The lines of one connection. `push` takes shared, already encoded buffers (one per event for
 * all recipients) and only remembers them; `flush` writes them as one buffer. Buffers that follow
 * each other in memory (event lines are packed in slabs, see LineSlab) are kept as one range, so a
 * turn's lines for a recipient are usually one view of a slab, written without a copy. The send
 * queue counts what the kernel has not taken yet: a client whose backlog would go past
 * `sendQueueBytes` is not read-limited by us, it is dropped (`onOverflow`), so one slow reader
 * never holds memory nor slows the others.
 */
export class LineWriter {
  /** Finished ranges, in order; the open range (`run`) comes after them. */
  private chunks: Buffer[] = [];
  /** The first buffer of the open range, and where the range ends in its memory. */
  private run: Buffer | null = null;
  /** The open range's memory, kept so a push reads `.buffer` (a slow getter) once, not twice. */
  private runMemory: ArrayBufferLike | null = null;
  private runEnd = 0;
  private bytes = 0;
  private queued = false;
  private dead = false;

  constructor(
    private readonly socket: Socket,
    private readonly scheduler: FlushScheduler,
    private readonly sendQueueBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Queue encoded lines (CR LF included) for this connection's next write. Queued bytes must not change until then. */
  push(buf: Buffer): void {
    if (this.dead) return;
    const run = this.run;
    if (run !== null && buf.byteOffset === this.runEnd && buf.buffer === this.runMemory) {
      // Right after the open range in the same memory: the range grows, nothing is stored.
      this.runEnd += buf.length;
    } else {
      if (run !== null) this.chunks.push(this.closeRun(run));
      this.run = buf;
      this.runMemory = buf.buffer;
      this.runEnd = buf.byteOffset + buf.length;
    }
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
    if (this.run !== null) chunks.push(this.closeRun(this.run));
    const bytes = this.bytes;
    this.chunks = [];
    this.run = null;
    this.runMemory = null;
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

  /** The open range as one buffer: its first one when nothing joined it, else a view over all of it. */
  private closeRun(run: Buffer): Buffer {
    const length = this.runEnd - run.byteOffset;
    return length === run.length ? run : Buffer.from(run.buffer, run.byteOffset, length);
  }

  /** Bytes queued here (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Stop writing: queued lines are dropped and later pushes ignored. */
  stop(): void {
    this.dead = true;
    this.chunks = [];
    this.run = null;
    this.runMemory = null;
    this.bytes = 0;
  }

  private overflow(): void {
    this.stop();
    this.onOverflow();
  }
}
