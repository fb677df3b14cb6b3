// Shared by the WebSocket fan-outs: a turn's frames joined once, and written to one socket as one buffer or corked views of it.
import type { Writable } from 'node:stream';
import type { Member } from '../../core/chat/types.js';

/** Where a connection's frames are written: its raw socket, or frames held back for it (held-frames.ts). */
export type FrameSink = Pick<Writable, 'writable' | 'writableLength' | 'cork' | 'uncork'> & { write(chunk: Buffer): boolean };

/** What a batch write needs of a connection: where its frames go and whether it is open. */
export interface BatchTarget {
  readonly socket: FrameSink;
  /** False once the WebSocket is closing: no frame may follow a close frame (RFC 6455 5.5.1). */
  readonly open: boolean;
}

/**
 * The frames queued in one event-loop turn, with the member who caused each (or undefined), and
 * the timer that calls `flush` at the end of the turn.
 */
export class TurnQueue {
  frames: Buffer[] = [];
  authors: (Member | undefined)[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly flush: () => void) {}

  /** Queue a frame; the first of a turn arms the end-of-turn flush. */
  push(frame: Buffer, author: Member | undefined): void {
    this.frames.push(frame);
    this.authors.push(author);
    this.scheduled ??= setImmediate(this.flush);
  }

  /** Stop the timer and hand over what is queued, leaving the queue empty; undefined when nothing was queued. */
  take(): { frames: Buffer[]; authors: (Member | undefined)[] } | undefined {
    const { frames, authors } = this;
    this.clear();
    return frames.length > 0 ? { frames, authors } : undefined;
  }

  /** Stop the timer and forget what is queued. */
  clear(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.frames = [];
    this.authors = [];
  }
}

/** The frames of a turn as one buffer (no copy for a single frame). */
export function joinFrames(frames: readonly Buffer[]): Buffer {
  return frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
}

/** Where each frame starts in the joined batch, and (last) where the batch ends. */
export function frameOffsets(frames: readonly Buffer[]): number[] {
  const offsets = new Array<number>(frames.length + 1);
  let at = 0;
  for (let i = 0; i < frames.length; i++) {
    offsets[i] = at;
    at += (frames[i] as Buffer).length;
  }
  offsets[frames.length] = at;
  return offsets;
}

/** Which frames each author must not get back; most turns have few authors among many members. */
export function framesByAuthor(authors: readonly (Member | undefined)[]): Map<Member, number[]> | undefined {
  let byAuthor: Map<Member, number[]> | undefined;
  authors.forEach((member, i) => {
    if (member === undefined) return;
    byAuthor ??= new Map();
    const list = byAuthor.get(member);
    if (list) list.push(i);
    else byAuthor.set(member, [i]);
  });
  return byAuthor;
}

/** The indices at which `member` authored a frame, ascending; undefined when none. */
export function framesOf(authors: readonly (Member | undefined)[], member: Member): number[] | undefined {
  const out: number[] = [];
  authors.forEach((m, i) => {
    if (m === member) out.push(i);
  });
  return out.length > 0 ? out : undefined;
}

/**
 * Write frames of the batch `all` to one target: every frame (`indices` undefined) or those in
 * `indices` (ascending), minus those before `from` and those in `skipped` (ascending). `offsets`
 * (from {@link frameOffsets}) may be undefined only when every frame is owed. Returns false when
 * the target's socket buffers more than `maxBuffered` bytes.
 */
export function writeBatch(
  target: BatchTarget,
  all: Buffer,
  offsets: readonly number[] | undefined,
  indices: readonly number[] | undefined,
  skipped: readonly number[] | undefined,
  from: number,
  maxBuffered: number,
): boolean {
  const socket = target.socket;
  if (!target.open || !socket.writable) return true;
  if ((indices === undefined && skipped === undefined && from === 0) || offsets === undefined) {
    socket.write(all);
  } else {
    // Views of `all` around the frames to leave out: no copy, written corked (one writev).
    const pieces: Buffer[] = [];
    const count = indices === undefined ? offsets.length - 1 : indices.length;
    let runStart = -1;
    let runEnd = -1;
    let next = 0;
    for (let k = 0; k < count; k++) {
      const i = indices === undefined ? k : (indices[k] as number);
      if (i < from) continue;
      while (skipped !== undefined && next < skipped.length && (skipped[next] as number) < i) next += 1;
      if (skipped !== undefined && skipped[next] === i) continue;
      if (runStart >= 0 && i === runEnd) {
        runEnd = i + 1;
        continue;
      }
      if (runStart >= 0) pieces.push(all.subarray(offsets[runStart], offsets[runEnd]));
      runStart = i;
      runEnd = i + 1;
    }
    if (runStart >= 0) pieces.push(all.subarray(offsets[runStart], offsets[runEnd]));
    if (pieces.length === 1) {
      socket.write(pieces[0] as Buffer);
    } else if (pieces.length > 1) {
      socket.cork();
      for (const piece of pieces) socket.write(piece);
      socket.uncork();
    }
  }
  return socket.writableLength <= maxBuffered;
}
