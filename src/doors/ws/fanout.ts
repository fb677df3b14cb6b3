// WebSocket broadcast fan-out (the library feed: every connection gets every change): framed once, batched per turn, one write per connection per turn.
import type { Member } from '../../core/chat/types.js';
import { frameOffsets, framesByAuthor, framesOf, joinFrames, TurnQueue, writeBatch, type BatchTarget } from './frame-batch.js';

/** What the fan-out needs of a connection: its raw socket (written directly, see {@link WsFanOut}), whether it is open, and who it is. */
export interface FanOutTarget extends BatchTarget {
  /** The member this connection speaks for; events it caused (join/message/leave) are skipped. */
  readonly member: Member | undefined;
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
  /** This turn's frames; flushed at the end of the turn (the lambda: `flush` is initialised after this field). */
  private readonly queue = new TurnQueue(() => this.flush());

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
    target.batchStart = this.queue.frames.length;
    target.slot = this.targets.length;
    this.targets.push(target);
  }

  /** Remove a target, first giving it what was queued for it this turn (it was a member then). */
  remove(target: T): void {
    if (target.slot < 0) return;
    // A target about to close needs nothing more; one that merely left the room (quit) does.
    const { frames, authors } = this.queue;
    if (frames.length > 0 && target.open) {
      const skipped = target.member !== undefined ? framesOf(authors, target.member) : undefined;
      writeBatch(target, joinFrames(frames), frameOffsets(frames), undefined, skipped, target.batchStart, this.maxBuffered);
    }
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
    this.queue.push(frame, skip);
  }

  /** Write everything queued now (the door calls it before a closing notice). */
  readonly flush = (): void => {
    const batch = this.queue.take();
    if (!batch) return;
    const { frames } = batch;
    const all = joinFrames(frames);
    const byAuthor = framesByAuthor(batch.authors);
    let offsets: number[] | undefined;
    let slow: T[] | undefined;
    for (const target of this.targets) {
      const skipped = target.member !== undefined ? byAuthor?.get(target.member) : undefined;
      // Offsets only when this target is owed less than the whole batch.
      if (skipped !== undefined || target.batchStart > 0) offsets ??= frameOffsets(frames);
      const ok = writeBatch(target, all, offsets, undefined, skipped, target.batchStart, this.maxBuffered);
      target.batchStart = 0;
      if (!ok) (slow ??= []).push(target);
    }
    // Reported after the loop: a slow target leaves the room, which changes the list.
    if (slow) for (const target of slow) this.onSlow(target);
  };

  /** Write one frame to every target now, ignoring authors (the closing notice). */
  broadcastNow(frame: Buffer): void {
    this.flush();
    for (const target of this.targets) writeBatch(target, frame, undefined, undefined, undefined, 0, this.maxBuffered);
  }

  /** Forget what is queued and stop the timer (the door is closing). */
  stop(): void {
    this.queue.clear();
  }
}
