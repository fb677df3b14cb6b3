// The WebSocket door's requests: each frame checked, decoded and dispatched (enter here; the rest in requests.ts and moderate.ts).
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { NetroomError } from '../../core/errors.js';
import { LOBBY, type LeaveReason, type Member } from '../../core/chat/types.js';
import type { DoorContext } from '../door.js';
import { accountOf, whoOf } from './auth.js';
import type { WsClient } from './client.js';
import { decodeClientMessage, encodeWelcome } from './codec.js';
import type { RenderedHistory } from './history.js';
import { notHeard } from './held-frames.js';
import { CLOSE_CODES, type ClientMessage } from './messages.js';
import type { WsModeration } from './moderate.js';
import type { WsPending } from './pending.js';
import type { WsReplies } from './replies.js';
import type { WsRequests } from './requests.js';
import type { WsSessions } from './sessions.js';
import { wireRoom } from './wire.js';

/** What the requests need of the door (door.ts builds them; the connection lifecycle stays there). */
export interface WsIncomingParts {
  readonly ctx: DoorContext;
  readonly log: Logger;
  /** The door's name, as the chat knows members' doors. */
  readonly name: string;
  readonly sessions: WsSessions;
  readonly history: RenderedHistory;
  readonly replies: WsReplies;
  readonly requests: WsRequests;
  readonly moderation: WsModeration;
  readonly pending: WsPending;
  readonly maxFrameBytes: number;
  readonly maxInvalidFrames: number;
  /** Whether the door is closing (frames are then ignored). */
  readonly isClosed: () => boolean;
  /** Leave the chat and close (or cut) the connection. */
  readonly drop: (client: WsClient, reason: LeaveReason, code: number | null, text?: string) => void;
}

/** The request side of the WebSocket door: frames in, answers out through replies.ts. */
export class WsIncoming {
  private readonly ctx: DoorContext;
  private readonly log: Logger;
  private readonly name: string;
  private readonly sessions: WsSessions;
  private readonly history: RenderedHistory;
  private readonly replies: WsReplies;
  private readonly requests: WsRequests;
  private readonly moderation: WsModeration;
  private readonly pending: WsPending;
  private readonly maxFrameBytes: number;
  private readonly maxInvalidFrames: number;
  private readonly parts: WsIncomingParts;

  constructor(parts: WsIncomingParts) {
    this.parts = parts;
    this.ctx = parts.ctx;
    this.log = parts.log;
    this.name = parts.name;
    this.sessions = parts.sessions;
    this.history = parts.history;
    this.replies = parts.replies;
    this.requests = parts.requests;
    this.moderation = parts.moderation;
    this.pending = parts.pending;
    this.maxFrameBytes = parts.maxFrameBytes;
    this.maxInvalidFrames = parts.maxInvalidFrames;
  }

  private get closed(): boolean {
    return this.parts.isClosed();
  }

  private drop(client: WsClient, reason: LeaveReason, code: number | null, text = ''): void {
    this.parts.drop(client, reason, code, text);
  }

  /** A frame from `client`: checked, decoded, then answered (a request that awaits the store holds the client's next frames: pending.ts). */
  onFrame(client: WsClient, data: RawData, isBinary: boolean): void {
    client.alive = true;
    if (this.closed) return;
    if (this.pending.busy(client)) {
      // A request of this client awaits the store: this frame waits its turn (pending.ts).
      if (!this.pending.wait(client, { data, isBinary })) {
        this.log.info({ from: client.from, name: client.member?.name }, 'ws client closed: too many requests while one waited');
        this.drop(client, 'disconnect', CLOSE_CODES.policy, 'too many requests at once');
      }
      return;
    }
    const size = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    const decoded =
      size > this.maxFrameBytes
        ? { ok: false as const, error: new NetroomError('TOO_LARGE', `a frame is at most ${this.maxFrameBytes} bytes (this one has ${size})`) }
        : decodeClientMessage(data, isBinary);
    if (!decoded.ok) {
      client.invalid += 1;
      this.replies.sendError(client, decoded.error, decoded.about, decoded.ref);
      if (client.invalid > this.maxInvalidFrames) {
        this.log.info({ from: client.from, name: client.member?.name }, 'ws client closed: too many invalid frames');
        this.drop(client, 'disconnect', CLOSE_CODES.policy, 'too many invalid messages');
      }
      return;
    }
    client.invalid = 0;
    const message = decoded.message;
    try {
      const pending = this.dispatch(client, message);
      if (pending) this.pending.start(client, pending, message.type);
    } catch (err) {
      this.replies.sendError(client, err, message.type, message.type === 'say' ? message.ref : undefined);
    }
  }

  private dispatch(client: WsClient, message: ClientMessage): void | Promise<void> {
    switch (message.type) {
      case 'enter':
        return this.enter(client, message.name, message.resume);
      case 'kick':
      case 'ban':
      case 'mute':
      case 'unban':
      case 'unmute':
      case 'restrictions':
        this.moderation.handle(client, message);
        return;
      case 'leave':
        // The quit event detaches the client (onChatEvent); the connection stays and may enter again.
        this.ctx.chat.disconnect(this.requests.memberOf(client), 'quit');
        this.replies.send(client, { type: 'left' });
        return;
      default:
        return this.requests.handle(client, message);
    }
  }

  private async enter(client: WsClient, asked: string | undefined, resume: string | undefined): Promise<void> {
    if (client.member) {
      throw new NetroomError('ALREADY_IN_ROOM', `this connection is already in the chat as ${client.member.name}`);
    }
    const { actor } = client;
    const name = asked ?? actor.account;
    if (name === undefined) throw new NetroomError('BAD_REQUEST', '"name" is required: pick a name, or sign in to enter under your account');
    // A token takes back only a member of the same account (or a guest's, by a guest): signing out
    // and reconnecting must not bring the signed-in member back on a guest connection.
    const found = resume === undefined ? undefined : this.sessions.resumable(name, resume);
    const previous = found !== undefined && found.member.account === actor.account ? found : undefined;
    let member: Member;
    if (previous?.client) {
      member = previous.member;
      this.sessions.detach(previous.client);
      previous.client.ws.close(CLOSE_CODES.takenOver, 'resumed by another connection');
      this.log.info({ name: member.name, from: client.from, previous: previous.client.from }, 'ws member resumed');
    } else if (previous) {
      // Back within the leave grace (a reload, a blip): the chat never saw it go.
      member = previous.member;
      this.sessions.unpark(member);
      this.log.info({ name: member.name, from: client.from }, 'ws member resumed within the leave grace');
    } else {
      member = this.ctx.chat.enter(name, this.name, whoOf(client.actor, client.address));
      this.log.info({ name: member.name, from: client.from }, 'ws member entered');
    }
    const token = this.sessions.attach(client, member);
    const { chat } = this.ctx;
    const members = chat.members(LOBBY).map((m) => m.name);
    // Every room the member is in: after a resume there may be several (their history is a `history` request away).
    const rooms = chat.roomsOf(member).flatMap((room) => {
      const info = chat.room(room);
      return info ? [wireRoom(info, true)] : [];
    });
    // Events heard live while the read waited follow the welcome: not in its history too (pending.ts).
    const history = chat.mayRead(member, LOBBY) ? this.history.render(notHeard(client, await this.history.recent({ room: LOBBY }))) : [];
    this.replies.sendText(client, encodeWelcome(member.name, members, history, token.toString('base64url'), rooms, accountOf(member)));
  }
}
