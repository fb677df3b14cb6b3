// One WebSocket connection of the chat door: the socket, the member it speaks for, keepalive and abuse counters.
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { guest, type Actor } from '../../core/access/roles.js';
import type { Member } from '../../core/chat/types.js';
import type { AudienceTarget } from './audience-fanout.js';
import type { FrameSink } from './frame-batch.js';
import type { HeldFrames } from './held-frames.js';

/** A frame as ws handed it over, kept to be handled later. */
export interface WaitingFrame {
  readonly data: RawData;
  readonly isBinary: boolean;
}

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
  /** While a request awaits the store: the frames that arrived since, handled in order once it is done (pending.ts). */
  waiting: WaitingFrame[] | null = null;
  /** While a request awaits the store: the live frames held back until its reply is out. */
  held: HeldFrames | null = null;

  constructor(
    readonly ws: WebSocket,
    /** The TCP (or TLS) socket under ws: the fan-outs write pre-framed bytes to it. */
    readonly raw: Duplex,
    readonly from: string,
    /** Who opened the connection (signed in at the upgrade, or a guest). */
    readonly actor: Actor = guest(),
    /** The peer's IP address (bans by address), when known. */
    readonly address?: string,
    /** The session or token secret that signed the connection in: revoked, the connection ends. */
    readonly secret?: string,
  ) {}

  /** Where the fan-outs write this client's frames: the socket, or the held frames while a request awaits the store. */
  get socket(): FrameSink {
    return this.held ?? this.raw;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}
