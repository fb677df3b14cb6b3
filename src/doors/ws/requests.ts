// The WebSocket door's requests on rooms and conversations: say, edit, delete, typing, join, part, topic, who, rooms, history, search, conversations.
import type { Chat } from '../../core/chat/chat.js';
import { NetroomError } from '../../core/errors.js';
import { checkName } from '../../core/names.js';
import { checkRoomName } from '../../core/chat/room-key.js';
import { LOBBY, type Member, type RoomInfo } from '../../core/chat/types.js';
import type { AudienceFanOut } from './audience-fanout.js';
import type { WsClient } from './client.js';
import { DEFAULT_PAGE, encodeHistory, encodeJoined, encodeResults } from './codec.js';
import { notHeard } from './held-frames.js';
import type { RenderedHistory } from './history.js';
import type { ClientMessage, WireRoom } from './messages.js';
import type { ModerationRequest } from './moderate.js';
import type { WsReplies } from './replies.js';
import type { SaidWatch } from './said.js';
import { wireRoom } from './wire.js';

/** Conversations listed by `conversations`. */
const MAX_CONVERSATIONS = 200;

type Request = Exclude<ClientMessage, { type: 'enter' } | { type: 'leave' } | ModerationRequest>;

/**
 * Everything a client asks once connected, apart from entering and leaving (the door's, with the
 * sessions). Errors are thrown as NetroomErrors with the core's codes; the door answers them.
 * Who may read what: a room's history and search only where Chat.mayRead says so (a member of
 * it, or a room that is neither secret, invite-only nor keyed), a conversation only by one of
 * its two sides. Requests that need no identity (who, rooms, a public room's history, search of
 * public rooms) work before `enter` too, as the HTTP API does.
 */
export class WsRequests {
  constructor(
    private readonly chat: Chat,
    private readonly history: RenderedHistory,
    private readonly replies: WsReplies,
    /** Flushed before a reply that must come after the events already queued (joined, parted). */
    private readonly fanout: AudienceFanOut<WsClient>,
    /** Notes the id of a `say`'s event as the door hears it (said.ts). */
    private readonly said: SaidWatch,
  ) {}

  /** The member a connection speaks for; NOT_IN_ROOM before `enter` (the one-room code old clients know). */
  memberOf(client: WsClient): Member {
    if (!client.member) throw new NetroomError('NOT_IN_ROOM', 'enter the chat first');
    return client.member;
  }

  /** Run one request; the ones that read history return a promise (rejections are the door's to answer). */
  handle(client: WsClient, message: Request): void | Promise<void> {
    switch (message.type) {
      case 'say': {
        const member = this.memberOf(client);
        // Counted in netroom_messages_total by the server's own chat listener (by the origin's door).
        const say = (): void => {
          if (message.to !== undefined) this.chat.dm(member, message.to, message.text);
          else this.chat.say(member, message.room ?? LOBBY, message.text);
        };
        if (message.ref === undefined) {
          say();
          return;
        }
        // Sent at once, ahead of this turn's batched events: a direct message's own copy follows it.
        const { id, at } = this.said.run(member, say);
        this.replies.send(client, { type: 'sent', ref: message.ref, id, at });
        return;
      }
      // The edit or delete event, heard by everyone who reads the message (the asker too), is the answer.
      case 'edit':
        return this.chat.editMessage(this.memberOf(client), message.id, message.text);
      case 'delete':
        return this.chat.deleteMessage(this.memberOf(client), message.id);
      case 'typing':
        // Never answered: refused silently by the core where one could not speak.
        this.chat.typing(this.memberOf(client), message.room !== undefined ? { room: message.room } : { to: message.to ?? '' }, message.state);
        return;
      case 'join':
        return this.join(client, message.room, message.key);
      case 'part': {
        const member = this.memberOf(client);
        this.chat.part(member, message.room);
        this.fanout.flush();
        this.replies.send(client, { type: 'parted', room: this.chat.room(message.room)?.name ?? message.room });
        return;
      }
      case 'topic':
        // The topic event, heard by the room (the setter too), is the answer.
        this.chat.setTopic(this.memberOf(client), message.room, message.topic);
        return;
      case 'who':
        this.who(client, message.room);
        return;
      case 'rooms':
        this.replies.send(client, { type: 'rooms', rooms: this.chat.rooms(client.member).map((info) => this.listed(info, client.member)) });
        return;
      case 'history':
        return this.page(client, message);
      case 'search':
        return this.search(client, message.query, message.before, message.limit);
      case 'conversations':
        return this.conversations(client);
    }
  }

  private async join(client: WsClient, roomName: string, key: string | undefined): Promise<void> {
    const member = this.memberOf(client);
    const { room } = this.chat.join(member, roomName, key);
    const members = this.chat.members(room.name).map((m) => m.name);
    this.fanout.flush();
    const ops = this.opsOf(room.name);
    // Events heard live while the read waited follow the reply: not in its history too (pending.ts).
    const history = this.history.render(notHeard(client, await this.history.recent({ room: room.name })));
    this.replies.sendText(client, encodeJoined(wireRoom(room, true), members, ops, history));
  }

  private async conversations(client: WsClient): Promise<void> {
    const member = this.memberOf(client);
    const conversations = await this.history.conversations(member.name, MAX_CONVERSATIONS, this.chat.conversationsSince(member));
    this.replies.send(client, { type: 'conversations', conversations });
  }

  /** `who` with a room: its members, if one may see it; without: everyone connected. */
  private who(client: WsClient, roomName: string | undefined): void {
    if (roomName === undefined) {
      this.replies.send(client, { type: 'members', members: this.chat.online().map((m) => m.name) });
      return;
    }
    const info = this.visibleRoom(roomName, client.member);
    this.replies.send(client, { type: 'members', room: info.name, members: this.chat.members(info.name).map((m) => m.name), ops: this.opsOf(info.name) });
  }

  /** Who may moderate a room: its operators and the administrators in it (a UI shows them the member menu). */
  private opsOf(roomName: string): string[] {
    return this.chat
      .members(roomName)
      .filter((m) => this.chat.standing(roomName, m)?.op === true || this.chat.isAdmin(m))
      .map((m) => m.name);
  }

  private async page(client: WsClient, message: Extract<Request, { type: 'history' }>): Promise<void> {
    const limit = message.limit ?? DEFAULT_PAGE;
    if (message.with !== undefined) {
      const member = this.memberOf(client);
      // One side is always the asker: a member reads only its own conversations.
      const other = checkName(message.with);
      const page = await this.history.page({ between: [member.name, other], since: this.chat.conversationsSince(member) }, message.before, limit);
      this.replies.sendText(client, encodeHistory({ with: other }, page.events, page.more));
      return;
    }
    const info = this.readableRoom(message.room ?? LOBBY, client.member);
    const page = await this.history.page({ room: info.name }, message.before, limit);
    this.replies.sendText(client, encodeHistory({ room: info.name }, page.events, page.more));
  }

  /** Search every room the asker may read, and its own conversations. */
  private async search(client: WsClient, query: string, before: number | undefined, limit: number | undefined): Promise<void> {
    const member = client.member;
    const rooms = this.chat
      .rooms(member)
      .filter((info) => this.chat.mayRead(member, info.name))
      .map((info) => info.name);
    const scope = member ? { rooms, member: member.name, memberSince: this.chat.conversationsSince(member) } : { rooms };
    const events = await this.history.search(query, scope, limit ?? DEFAULT_PAGE, before);
    this.replies.sendText(client, encodeResults(query, events));
  }

  /** A room one may see: NO_SUCH_ROOM for an unknown room and for a secret one the asker is not in. */
  private visibleRoom(roomName: string, member: Member | undefined): RoomInfo {
    const checked = checkRoomName(roomName);
    const info = this.chat.room(checked);
    const visible = info !== undefined && (!info.modes.secret || (member !== undefined && (this.chat.standing(info.name, member) !== undefined || this.chat.isAdmin(member))));
    if (!visible) throw new NetroomError('NO_SUCH_ROOM', `no room called ${checked}`, { room: checked });
    return info;
  }

  /** A room whose history one may read: as visibleRoom, then PERMISSION_DENIED for an invite-only or keyed room one is not in. */
  private readableRoom(roomName: string, member: Member | undefined): RoomInfo {
    const info = this.visibleRoom(roomName, member);
    if (!this.chat.mayRead(member, info.name)) {
      throw new NetroomError('PERMISSION_DENIED', `only members of ${info.name} read its history`, { room: info.name });
    }
    return info;
  }

  /** A room as listed: its key only to its members. */
  private listed(info: RoomInfo, member: Member | undefined): WireRoom {
    const inIt = member !== undefined && this.chat.standing(info.name, member) !== undefined;
    return wireRoom(info, inIt);
  }
}
