// Session bookkeeping of the WebSocket door: which connection holds which member, and its resume token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Member } from '../../core/room.js';
import type { WsClient } from './client.js';
import type { WsFanOut } from './fanout.js';

/**
 * Members of the room bound to connections of this door. A bound connection is in the fan-out
 * and holds a resume token: `enter` with that token from another connection takes the member
 * over (auto-reconnect before the old connection is noticed dead).
 */
export class WsSessions {
  private readonly byMember = new Map<Member, WsClient>();

  constructor(
    private readonly fanout: WsFanOut<WsClient>,
    /** The room's lookup of the member holding a name; throws for an invalid name. */
    private readonly find: (name: string) => Member | undefined,
  ) {}

  /** Members in the room through this door. */
  get size(): number {
    return this.byMember.size;
  }

  /** The connection a member of ours is bound to, if any. */
  clientOf(member: Member): WsClient | undefined {
    return this.byMember.get(member);
  }

  /** The connection of ours holding `name` whose token is `resume`, if any (compared in constant time). */
  resumable(name: string, resume: string): WsClient | undefined {
    let holder: Member | undefined;
    try {
      holder = this.find(name);
    } catch {
      return undefined; // not even a valid name: room.enter gives the precise error
    }
    const previous = holder ? this.byMember.get(holder) : undefined;
    const token = Buffer.from(resume, 'base64url');
    if (!previous?.token || previous.token.length !== token.length) return undefined;
    return timingSafeEqual(previous.token, token) ? previous : undefined;
  }

  /** Bind a member to a connection with a fresh resume token (returned). */
  attach(client: WsClient, member: Member): Buffer {
    const token = randomBytes(18);
    client.member = member;
    client.token = token;
    this.byMember.set(member, client);
    this.fanout.add(client);
    return token;
  }

  /** Unbind a connection from its member, if it has one (the member's room membership is the caller's). */
  detach(client: WsClient): void {
    if (!client.member) return;
    this.fanout.remove(client); // before forgetting the member: it may owe the client this turn's frames
    this.byMember.delete(client.member);
    client.member = undefined;
    client.token = undefined;
  }
}
