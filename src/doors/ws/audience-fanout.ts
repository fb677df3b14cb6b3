// WebSocket chat fan-out by audience: events framed once, batched per event-loop turn, one write per member per turn.
import type { Member } from '../../core/chat/types.js';
import { frameOffsets, framesByAuthor, framesOf, joinFrames, TurnQueue, writeBatch, type BatchTarget } from './frame-batch.js';

/** What the fan-out needs of a connection: its raw socket, whether it is open (see BatchTarget), and who it is. */
export interface AudienceTarget extends BatchTarget {
  /** The member this connection speaks for (events it authored may be skipped). */
  readonly member: Member | undefined;
  /** Owned by the fan-out: the flush this target was last counted in. */
  fanTurn: number;
  /** Owned by the fan-out: the frame lists it is owed in that flush. */
  fanOwed: (readonly number[])[];
}

/** Frames of one turn that go to the same resolved targets (one room's events, usually). */
interface Group<T> {
  targets: readonly T[];
  readonly frames: number[];
}

/**
 * The broadcast half of the chat door. Every chat event names its audience (ChatEvent.audience,
 * fixed when raised); the door renders and frames the event once and pushes it here with that
 * audience. The audience is resolved to this door's connections at push time, and cached by the
 * array's identity: a room's member list is one array until someone joins or leaves, so a busy
 * room resolves once, not once per message.
 *
 * The frames of one event-loop turn are joined into one buffer at the end of the turn. In the
 * common case every frame of the turn went to the same audience (one busy room): each target gets
 * that buffer in one write, or views of it around the frames it authored (corked: one syscall).
 * When a turn mixes audiences, each target gets views of the frames it is owed, still one write
 * per target per turn. Writing under ws is sound because the door keeps permessage-deflate off:
 * ws's Sender then never queues, so its frames (pong, close) and ours interleave only at frame
 * boundaries. A target buffering more than `maxBuffered` bytes is reported through `onSlow`
 * after the loop.
 */
export class AudienceFanOut<T extends AudienceTarget> {
  private readonly byMember = new Map<Member, T>();
  /** Bumped whenever a target comes or goes: resolved audiences older than this are stale. */
  private generation = 0;
  private readonly resolved = new WeakMap<readonly Member[], { generation: number; targets: readonly T[] }>();
  /** This turn's frames; flushed at the end of the turn (the lambda: `flush` is initialised after this field). */
  private readonly queue = new TurnQueue(() => this.flush());
  private groups: Group<T>[] = [];
  /** This turn's group of each audience pushed since the last change of targets. */
  private readonly open = new Map<readonly Member[], Group<T>>();
  private lastAudience: readonly Member[] | undefined;
  private lastGroup: Group<T> | undefined;
  private turn = 0;

  constructor(
    private readonly maxBuffered: number,
    private readonly onSlow: (target: T) => void,
  ) {}

  /** Targets bound to a member. */
  get size(): number {
    return this.byMember.size;
  }

  /** The target of a member, if it has one here. */
  get(member: Member): T | undefined {
    return this.byMember.get(member);
  }

  /** Every target (a live view: do not change the fan-out while iterating). */
  targets(): IterableIterator<T> {
    return this.byMember.values();
  }

  /** Bind `target` to `member`: it gets the frames of events pushed from now on whose audience has the member. */
  add(member: Member, target: T): void {
    this.byMember.set(member, target);
    this.changed();
  }

  /**
   * Unbind a member's target, first writing what was queued for it this turn (it was a member
   * then) if it is still open: one that merely left the chat needs those frames, a closing one not.
   */
  remove(member: Member): void {
    const target = this.byMember.get(member);
    if (!target) return;
    this.byMember.delete(member);
    this.changed();
    const { frames, authors } = this.queue;
    if (frames.length === 0) return;
    const owed: number[] = [];
    for (const group of this.groups) {
      if (!group.targets.includes(target)) continue;
      owed.push(...group.frames);
      group.targets = group.targets.filter((t) => t !== target);
    }
    if (owed.length === 0 || !target.open) return;
    owed.sort((a, b) => a - b);
    writeBatch(target, Buffer.concat(frames), frameOffsets(frames), owed, framesOf(authors, member), 0, this.maxBuffered);
  }

  /** Queue one framed event for the targets of `audience`, except the one of `author`; written at the end of this turn. */
  push(frame: Buffer, audience: readonly Member[], author?: Member): void {
    let group = audience === this.lastAudience ? this.lastGroup : this.open.get(audience);
    if (!group) {
      const targets = this.resolve(audience);
      if (targets.length === 0) return;
      group = { targets, frames: [] };
      this.groups.push(group);
      this.open.set(audience, group);
    }
    this.lastAudience = audience;
    this.lastGroup = group;
    group.frames.push(this.queue.frames.length);
    this.queue.push(frame, author);
  }

  /** Write everything queued now (the door calls it before a reply that must follow those events). */
  readonly flush = (): void => {
    const batch = this.queue.take();
    if (!batch) return;
    const { frames } = batch;
    const groups = this.groups;
    this.forgetGroups();
    const all = joinFrames(frames);
    const byAuthor = framesByAuthor(batch.authors);
    let offsets: number[] | undefined;
    let slow: T[] | undefined;
    const only = groups.length === 1 ? groups[0] : undefined;
    if (only) {
      // One audience this turn (one busy room): every target is owed every frame but its own.
      for (const target of only.targets) {
        const skipped = target.member !== undefined ? byAuthor?.get(target.member) : undefined;
        if (skipped !== undefined) offsets ??= frameOffsets(frames);
        if (!writeBatch(target, all, offsets, undefined, skipped, 0, this.maxBuffered)) (slow ??= []).push(target);
      }
    } else {
      offsets = frameOffsets(frames);
      const turn = ++this.turn;
      const owing: T[] = [];
      for (const group of groups) {
        for (const target of group.targets) {
          if (target.fanTurn !== turn) {
            target.fanTurn = turn;
            target.fanOwed = [group.frames];
            owing.push(target);
          } else {
            target.fanOwed.push(group.frames);
          }
        }
      }
      for (const target of owing) {
        const lists = target.fanOwed;
        target.fanOwed = [];
        const owed = lists.length === 1 ? (lists[0] as readonly number[]) : lists.flat().sort((a, b) => a - b);
        const skipped = target.member !== undefined ? byAuthor?.get(target.member) : undefined;
        const indices = owed.length === frames.length ? undefined : owed;
        if (!writeBatch(target, all, offsets, indices, skipped, 0, this.maxBuffered)) (slow ??= []).push(target);
      }
    }
    // Reported after the loop: a slow target leaves, which changes the targets.
    if (slow) for (const target of slow) this.onSlow(target);
  };

  /** Write one frame to every target now (the closing notice), after what is queued. */
  broadcastNow(frame: Buffer): void {
    this.flush();
    for (const target of this.byMember.values()) writeBatch(target, frame, undefined, undefined, undefined, 0, this.maxBuffered);
  }

  /** Forget what is queued and stop the timer (the door is closing). */
  stop(): void {
    this.queue.clear();
    this.forgetGroups();
  }

  /** Drop this turn's groups (flushed or abandoned). */
  private forgetGroups(): void {
    this.groups = [];
    this.open.clear();
    this.lastAudience = undefined;
    this.lastGroup = undefined;
  }

  private changed(): void {
    this.generation += 1;
    // Audiences pushed from now on resolve again; the groups already queued keep their targets.
    this.open.clear();
    this.lastAudience = undefined;
    this.lastGroup = undefined;
  }

  /** The targets of the members of `audience` that have one here, cached per array until targets change. */
  private resolve(audience: readonly Member[]): readonly T[] {
    const cached = this.resolved.get(audience);
    if (cached !== undefined && cached.generation === this.generation) return cached.targets;
    const targets: T[] = [];
    for (const member of audience) {
      const target = this.byMember.get(member);
      if (target !== undefined) targets.push(target);
    }
    this.resolved.set(audience, { generation: this.generation, targets });
    return targets;
  }
}
