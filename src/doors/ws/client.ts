// One WebSocket connection of the chat door: the socket, the member it speaks for, keepalive and abuse counters.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { guest, type Actor } from '../../core/access/roles.js';
import type { Member } from '../../core/chat/types.js';
import type { AudienceTarget } from './audience-fanout.js';

/** One connection: the socket, and the member it speaks for once it has entered. */
export class WsClient implements AudienceTarget {
  member: Member | undefined = undefined;
  /** The resume token handed out in the last `welcome`. */
  token: Buffer | undefined = undefined;
  /** Cleared at each ping, set by the pong (or any frame): still clear at the next ping = dead. */
  alive = true;
  /** Invalid frames in a row. */
  invalid = 0;
  /** Set when ws reports a protocol error (a frame too big, text not UTF-8...): no leave grace for a broken client. */
  broken = false;
  fanTurn = 0;
  fanOwed: (readonly number[])[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly socket: Duplex,
    readonly from: string,
    /** Who opened the connection (signed in at the upgrade, or a guest). */
    readonly actor: Actor = guest(),
    /** The peer's IP address (bans by address), when known. */
    readonly address?: string,
    /** The session or token secret that signed the connection in: revoked, the connection ends. */
    readonly secret?: string,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}
