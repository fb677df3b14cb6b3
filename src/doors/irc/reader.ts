// Metered input for the IRC door: sockets are read in slices within a per-turn budget, so each turn's fan-out is short and leaves before more is read.
import type { Socket } from 'node:net';
import type { FlushScheduler } from './writer.js';

/**
 * Input one turn may hand over. Each recipient's write of the turn is about this much: smaller
 * turns mean more, smaller writes (a 200-member room read 1.3 KB a turn and took twice the CPU
 * per delivery), larger ones a longer wait for the first line of the turn.
 */
export const TURN_INPUT_BYTES = 32 * 1024;
/** Output (bytes, all recipients together) one turn may produce: in a very large room, turns read less. */
export const TURN_OUTPUT_BYTES = 8 * 1024 * 1024;
/**
 * A burst's first turn reads this much; each turn that leaves input waiting doubles it, up to
 * TURN_INPUT_BYTES. The first lines of a burst go out within a short turn, and a client that
 * waits for them before sending more (as a loaded generator or a chat does) is not kept waiting.
 */
export const FIRST_TURN_BYTES = 4 * 1024;
/** The least one socket gets per read, however many recipients: a turn always moves every reader on. */
export const MIN_SLICE_BYTES = 512;

/**
 * Hands each socket's input to its `data` listeners (the hub) a slice at a time. Node in flowing
 * mode gives a listener whatever one read() returned: a client that sends fast (or a burst of
 * clients) makes one event-loop turn decode thousands of lines and queue each for every member,
 * and nothing is written until that whole turn is over, so every line waits for the last one
 * (a 50-member room: 0.3-0.5 s). Here a turn reads up to `TURN_INPUT_BYTES` of input (less
 * in a room so large that its output would pass `TURN_OUTPUT_BYTES`), round robin over the readable sockets; the scheduler flushes what that produced and
 * then calls back for the next slice. Unread input stays in the socket's buffer, and past its
 * high-water mark in the kernel, so a flooding sender is held back by TCP rather than by memory.
 */
export class ReadMeter {
  /** Sockets with input left over, oldest first. */
  private waiting: Socket[] = [];
  private readonly isWaiting = new WeakSet<Socket>();
  /** Input bytes handed over this turn. */
  private spent = 0;
  private turnPending = false;
  /** This turn's share of TURN_INPUT_BYTES: FIRST_TURN_BYTES after a quiet turn, doubling while input waits. */
  private ramp = FIRST_TURN_BYTES;

  /**
   * @param scheduler flushes this turn's output and then calls back (the next turn starts).
   * @param fanout how many recipients a line read now is likely to reach (1 or more).
   */
  constructor(
    private readonly scheduler: FlushScheduler,
    private readonly fanout: () => number,
  ) {
    scheduler.inputWaiting = () => this.waiting.length > 0;
  }

  /** Meter `socket`: from now on its `data` listeners get what this reads for them. */
  attach(socket: Socket): void {
    // A 'readable' listener puts the stream in paused mode: 'data' is emitted only by read().
    socket.on('readable', () => this.onReadable(socket));
  }

  /** Input bytes a turn may hand over, given how many recipients each line has. */
  budget(): number {
    return Math.max(MIN_SLICE_BYTES, Math.min(this.ramp, TURN_INPUT_BYTES, Math.floor(TURN_OUTPUT_BYTES / Math.max(1, this.fanout()))));
  }

  private onReadable(socket: Socket): void {
    if (this.isWaiting.has(socket)) return; // already in line: served in order
    if (socket.readableLength === 0) {
      // End of input (or nothing after all): read() lets the stream emit 'end'.
      socket.read();
      return;
    }
    if (this.spent >= this.budget()) this.enqueue(socket);
    else this.serve(socket);
  }

  /** Hand one slice of `socket`'s input over; queue it again if some is left. */
  private serve(socket: Socket): void {
    const slice = Math.max(MIN_SLICE_BYTES, this.budget() - this.spent);
    const n = Math.min(slice, socket.readableLength);
    this.spent += n;
    // Emits 'data' with exactly n bytes: the hub decodes and fans out synchronously.
    socket.read(n);
    if (socket.destroyed) return;
    if (socket.readableLength > 0) this.enqueue(socket);
    // Reading exactly what was left does not emit 'end' after the last byte; a read(0) does.
    else socket.read(0);
    this.endTurnLater();
  }

  private enqueue(socket: Socket): void {
    this.isWaiting.add(socket);
    this.waiting.push(socket);
    this.endTurnLater();
  }

  /** After this turn's output is flushed, start a new budget and serve who is waiting. */
  private endTurnLater(): void {
    if (this.turnPending) return;
    this.turnPending = true;
    this.scheduler.afterFlush(this.nextTurn);
  }

  private readonly nextTurn = (): void => {
    this.turnPending = false;
    this.spent = 0;
    const queue = this.waiting;
    this.ramp = queue.length > 0 ? Math.min(TURN_INPUT_BYTES, this.ramp * 2) : FIRST_TURN_BYTES;
    this.waiting = [];
    let i = 0;
    for (; i < queue.length && this.spent < this.budget(); i++) {
      const socket = queue[i] as Socket;
      this.isWaiting.delete(socket);
      if (socket.destroyed) continue;
      if (socket.readableLength === 0) socket.read();
      else this.serve(socket);
    }
    // Those not reached this turn keep their place ahead of anyone queued meanwhile.
    if (i < queue.length) {
      this.waiting = queue.slice(i).concat(this.waiting);
      this.endTurnLater();
    }
  };
}
