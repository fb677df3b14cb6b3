// WebSocket broadcast fan-out (the library feed: every connection gets every change): framed once, batched per turn, one write per connection per turn.
import type { Writable } from 'node:stream';
import type { Member } from '../../core/chat/types.js';

/** What the fan-out needs of a connection: its raw socket, whether it is open, and who it is. */
export interface FanOutTarget {
  /** The TCP socket under the WebSocket: frames are written to it directly (see {@link WsFanOut}). */
  readonly socket: Writable;
  /** The member this connection speaks for; events it caused (join/message/leave) are skipped. */
  readonly member: Member | undefined;
  /** False once the WebSocket is closing: no frame may follow a close frame (RFC 6455 5.5.1). */
  readonly open: boolean;
  /** Index in the fan-out's list, -1 when not in it. Owned by the fan-out. */
  slot: number;
  /** Frames of the current batch queued before this target joined, which it must not get. */
  batchStart: number;
}

/**
 * The broadcast half of the WebSocket door.
 *
 * A naive room calls `ws.send()` per member per event: ws frames the data again each time and
 * writes header and payload (cork, two writes, uncork: a syscall). Here each event is framed once
 * by the door; the frames of one event-loop turn are queued and, at the end of the turn, joined
 * into one buffer that is written to every member's socket: one write (one syscall) per member
 * per turn, however many events the turn had. A member that caused some of the events gets views
 * of the same buffer with its own events cut out (written corked: still one syscall).
 *
 * Writing to the socket under ws is sound because the door turns permessage-deflate off: ws's
 * Sender then writes synchronously, never queues, so its own frames (pong, close) and ours
 * interleave only at frame boundaries. A target whose socket buffers more than `maxBuffered`
 * bytes is reported through `onSlow` (after the loop, so it may leave the room safely).
 */
export class WsFanOut<T extends FanOutTarget> {
  private readonly targets: T[] = [];
  private frames: Buffer[] = [];
  private skips: (Member | undefined)[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly maxBuffered: number,
    private readonly onSlow: (target: T) => void,
  ) {}

  /** Targets in the list. */
  get size(): number {
    return this.targets.length;
  }

  /** Every target, in no particular order (a live view: do not change it while iterating). */
  get list(): readonly T[] {
    return this.targets;
  }

  /** Add a target: it gets frames queued from now on, not the ones already queued this turn. */
  add(target: T): void {
    if (target.slot >= 0) return;
    target.batchStart = this.frames.length;
    target.slot = this.targets.length;
    this.targets.push(target);
  }

  /** Remove a target, first giving it what was queued for it this turn (it was a member then). */
  remove(target: T): void {
    if (target.slot < 0) return;
    // A target about to close needs nothing more; one that merely left the room (quit) does.
    if (this.frames.length > 0 && target.open) this.writeTo(target, this.concat(), this.skippedBy(target.member));
    const last = this.targets.pop() as T;
    if (last !== target) {
      this.targets[target.slot] = last;
      last.slot = target.slot;
    }
    target.slot = -1;
  }

  /** Queue one framed event for every target except `skip`; written at the end of this turn. */
  push(frame: Buffer, skip?: Member): void {
    if (this.targets.length === 0) return;
    this.frames.push(frame);
    this.skips.push(skip);
    this.scheduled ??= setImmediate(this.flush);
  }

  /** Write everything queued now (the door calls it before a closing notice). */
  readonly flush = (): void => {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const frames = this.frames;
    if (frames.length === 0) return;
    const { all } = this.concat();
    const skips = this.skips;
    this.frames = [];
    this.skips = [];
    // Which frames each author must not get back; most turns have few authors among many members.
    let byAuthor: Map<Member, number[]> | undefined;
    skips.forEach((member, i) => {
      if (member === undefined) return;
      byAuthor ??= new Map();
      const list = byAuthor.get(member);
      if (list) list.push(i);
      else byAuthor.set(member, [i]);
    });
    let slow: T[] | undefined;
    for (const target of this.targets) {
      const skipped = target.member !== undefined ? byAuthor?.get(target.member) : undefined;
      const ok = this.writeTo(target, { all, frames }, skipped);
      target.batchStart = 0;
      if (!ok) (slow ??= []).push(target);
    }
    // Reported after the loop: a slow target leaves the room, which changes the list.
    if (slow) for (const target of slow) this.onSlow(target);
  };

  /** Write one frame to every target now, ignoring authors (the closing notice). */
  broadcastNow(frame: Buffer): void {
    this.flush();
    for (const target of this.targets) this.writeTo(target, { all: frame, frames: [frame] }, undefined);
  }

  /** Forget what is queued and stop the timer (the door is closing). */
  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.frames = [];
    this.skips = [];
  }

  private concat(): { all: Buffer; frames: readonly Buffer[] } {
    const frames = this.frames;
    return { all: frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), frames };
  }

  private skippedBy(member: Member | undefined): number[] | undefined {
    if (member === undefined) return undefined;
    const out: number[] = [];
    this.skips.forEach((m, i) => {
      if (m === member) out.push(i);
    });
    return out.length > 0 ? out : undefined;
  }

  /**
   * Write the batch to one target, minus the frames it must not get (queued before it joined, or
   * its own). Returns false when the target's socket buffers more than allowed.
   */
  private writeTo(target: T, batch: { all: Buffer; frames: readonly Buffer[] }, skipped: readonly number[] | undefined): boolean {
    const socket = target.socket;
    if (!target.open || !socket.writable) return true;
    const { all, frames } = batch;
    if (skipped === undefined && target.batchStart === 0) {
      socket.write(all);
    } else {
      // Views of `all` around the frames to leave out: no copy, written corked (one writev).
      const pieces: Buffer[] = [];
      let offset = 0;
      let runStart = -1;
      let next = 0;
      for (let i = 0; i < frames.length; i++) {
        const length = (frames[i] as Buffer).length;
        const excluded = i < target.batchStart || (skipped !== undefined && skipped[next] === i);
        if (excluded && skipped !== undefined && skipped[next] === i) next += 1;
        if (excluded) {
          if (runStart >= 0) pieces.push(all.subarray(runStart, offset));
          runStart = -1;
        } else if (runStart < 0) {
          runStart = offset;
        }
        offset += length;
      }
      if (runStart >= 0) pieces.push(all.subarray(runStart, offset));
      if (pieces.length === 1) {
        socket.write(pieces[0]);
      } else if (pieces.length > 1) {
        socket.cork();
        for (const piece of pieces) socket.write(piece);
        socket.uncork();
      }
    }
    return socket.writableLength <= this.maxBuffered;
  }
}
