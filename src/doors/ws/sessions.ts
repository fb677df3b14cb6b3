// Session bookkeeping of the WebSocket door: which connection holds which member, its resume token, and members waiting to be resumed.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Member } from '../../core/chat/types.js';
import type { WsClient } from './client.js';
import type { AudienceFanOut } from './audience-fanout.js';

/** A member whose connection closed without `leave`: still connected (in all its rooms) until resumed or the grace ends. */
interface Parked {
  readonly token: Buffer;
  readonly timer: NodeJS.Timeout;
}

/** What `enter` with a valid resume token takes back: a member, from a live connection or from the grace. */
export interface Resumable {
  readonly member: Member;
  /** The connection still holding the member (to be closed with 4000); absent for a parked member. */
  readonly client?: WsClient;
}

/**
 * Chat members bound to connections of this door. A bound connection is in the fan-out
 * and holds a resume token: `enter` with that token from another connection takes the member
 * over (auto-reconnect before the old connection is noticed dead). A member whose connection
 * closed without `leave` is parked: no connection, still connected in all its rooms, its token still good,
 * until it is resumed or its grace ends.
 */
export class WsSessions {
  private readonly byMember = new Map<Member, WsClient>();
  private readonly parked = new Map<Member, Parked>();

  constructor(
    private readonly fanout: AudienceFanOut<WsClient>,
    /** The chat's lookup of the member holding a name. */
    private readonly find: (name: string) => Member | undefined,
  ) {}

  /** Members connected through this door, parked ones included (they are still connected). */
  get size(): number {
    return this.byMember.size + this.parked.size;
  }

  /** The connection a member of ours is bound to, if any. */
  clientOf(member: Member): WsClient | undefined {
    return this.byMember.get(member);
  }

  /** The member of ours holding `name` whose token is `resume`, if any (compared in constant time). */
  resumable(name: string, resume: string): Resumable | undefined {
    let holder: Member | undefined;
    try {
      holder = this.find(name);
    } catch {
      return undefined; // not even a valid name: chat.enter gives the precise error
    }
    if (!holder) return undefined;
    const client = this.byMember.get(holder);
    const held = client ? client.token : this.parked.get(holder)?.token;
    const token = Buffer.from(resume, 'base64url');
    if (!held || held.length !== token.length || !timingSafeEqual(held, token)) return undefined;
    return client ? { member: holder, client } : { member: holder };
  }

  /** Bind a member to a connection with a fresh resume token (returned). */
  attach(client: WsClient, member: Member): Buffer {
    const token = randomBytes(18);
    client.member = member;
    client.token = token;
    this.byMember.set(member, client);
    this.fanout.add(member, client);
    return token;
  }

  /** Unbind a connection from its member, if it has one (whether the member stays connected is the caller's). */
  detach(client: WsClient): void {
    if (!client.member) return;
    this.fanout.remove(client.member); // before forgetting the member: it may owe the client this turn's frames
    this.byMember.delete(client.member);
    client.member = undefined;
    client.token = undefined;
  }

  /**
   * The connection closed without `leave`: unbind it and keep its member, resumable with the same
   * token, for `graceMs`; then `expire(member)` (the door makes it leave). The timer is unref'd.
   */
  park(client: WsClient, graceMs: number, expire: (member: Member) => void): void {
    const { member, token } = client;
    this.detach(client);
    if (!member || !token) return;
    const timer = setTimeout(() => {
      if (this.parked.get(member)?.timer !== timer) return;
      this.parked.delete(member);
      expire(member);
    }, graceMs);
    timer.unref();
    this.parked.set(member, { token, timer });
  }

  /** Take a parked member back (resumed by a new connection): its grace ends without a leave. */
  unpark(member: Member): void {
    const parked = this.parked.get(member);
    if (!parked) return;
    clearTimeout(parked.timer);
    this.parked.delete(member);
  }

  /** Forget every parked member and stop their timers (the door is closing); returns them. */
  releaseParked(): Member[] {
    const members = [...this.parked.keys()];
    for (const { timer } of this.parked.values()) clearTimeout(timer);
    this.parked.clear();
    return members;
  }
}
