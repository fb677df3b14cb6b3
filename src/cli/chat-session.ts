// One terminal WebSocket chat session after entering: where lines go (current room or private conversation), the commands, and how events are shown.
import { WsChatError, type HistoryTarget, type RoomLost, type Welcome, type WsChatClient } from '../client/ws.js';
import { LOBBY } from '../core/chat/types.js';
import type { Lang } from '../core/i18n.js';
import type { WireEvent } from '../doors/ws/messages.js';
import type { ChatCommand, ModerationAction } from './chat-commands.js';
import type { ModerationTexts } from './chat-moderation-texts.js';
import type { RoomTexts } from './chat-room-texts.js';
import { refusalReason, stamp, type ChatTexts } from './chat-texts.js';
import { eventLine, queryTarget, roomTarget, sameName, sameRoom, targetOf, type ViewPoint } from './chat-view.js';
import type { ChatTerminal } from './terminal.js';

/** Events per `/history` page, per conversation shown by `/query`, and per `/search`: a screenful. */
export const PAGE = 20;

/** What the session needs from its surroundings. */
export interface SessionParts {
  readonly client: WsChatClient;
  readonly screen: ChatTerminal;
  readonly lang: Lang;
  readonly t: ChatTexts;
  readonly r: RoomTexts;
  readonly m: ModerationTexts;
  /** Dims history lines on a terminal (identity otherwise). */
  readonly dim: (text: string) => string;
}

/** The state of an entered session and what each command does. */
export class WsChatSession {
  /** The room plain lines go to (also while a query is on: `/query` alone comes back to it). */
  private room: string | null = LOBBY;
  /** The member plain lines go to privately, if any. */
  private query: string | null = null;
  /** Topics of the rooms we are in, by room key. */
  private readonly topics = new Map<string, string>();
  /** The oldest event id shown per room or conversation: the `before` of the next `/history`. */
  private readonly oldest = new Map<string, number>();
  private readonly me: string;

  constructor(
    private readonly parts: SessionParts,
    welcome: Welcome,
  ) {
    this.me = welcome.name;
    for (const room of welcome.rooms) this.topics.set(roomTarget(room.name), room.topic);
    this.room = welcome.rooms.find((r) => sameRoom(r.name, LOBBY))?.name ?? welcome.rooms[0]?.name ?? LOBBY;
  }

  /** The prompt: `#lobby> `, `@bob> ` in a private conversation, `> ` in no room. */
  prompt(): string {
    const { r } = this.parts;
    if (this.query !== null) return r.queryPrompt(this.query);
    return this.room === null ? r.noRoomPrompt : r.roomPrompt(this.room);
  }

  /** Right after entering: #lobby's recent history and who is there. */
  entered(welcome: Welcome): void {
    const { screen, t, r } = this.parts;
    this.block(t.recentHistory, withoutOwnJoin(welcome.history, this.me), (text) => screen.say(text), roomTarget(this.room ?? LOBBY));
    const others = welcome.members.filter((m) => !sameName(m, this.me));
    screen.say(r.entered(welcome.name, this.room ?? LOBBY, others));
  }

  /** A live event, stamped with the server's time. */
  live(event: WireEvent): void {
    // A line every few seconds while someone types would bury the conversation: the terminal shows none.
    if (event.kind === 'typing') return;
    if (event.kind === 'topic' && event.room !== undefined) this.topics.set(roomTarget(event.room), event.text ?? '');
    this.shown(event);
    this.parts.screen.show(`${stamp(event.at)}${eventLine(event, this.view())}`);
    // Our own leave comes only when someone else put us out (a kick, a room ban): the client has dropped the room.
    if (event.kind === 'leave' && event.room !== undefined && event.name !== undefined && sameName(event.name, this.me)) {
      const room = event.room;
      this.topics.delete(roomTarget(room));
      if (this.room !== null && sameRoom(room, this.room)) {
        this.room = this.fallbackRoom();
        this.show(this.parts.m.outOf(room, this.room));
      }
    }
  }

  /** A refusal that answers no request we wait for (a line, a topic). */
  refused(error: { readonly code: string; readonly message: string; readonly about?: string }): void {
    const { t, lang } = this.parts;
    this.parts.screen.show(`${error.about === 'topic' ? t.refused : t.notSent}${refusalReason(lang, error.code, error.message)}`);
  }

  /** Back after a dropped connection: what we missed, where we are, which rooms we could not join again. */
  reconnected(welcome: Welcome, missed: readonly WireEvent[], lost: readonly RoomLost[]): void {
    const { client, screen, t, r, lang } = this.parts;
    for (const room of welcome.rooms) this.topics.set(roomTarget(room.name), room.topic);
    this.block(t.whileAway, missed, (text) => screen.show(text));
    for (const { room, error } of lost) screen.show(r.notJoinedAgain(room, refusalReason(lang, error.code, error.message)));
    if (this.room !== null && !client.rooms.some((name) => sameRoom(name, this.room ?? ''))) this.room = this.fallbackRoom();
    screen.show(r.reconnected(welcome.name, client.rooms));
  }

  /** Run one command; resolves true when the session should end. Refusals and failures are shown, never thrown. */
  async run(command: ChatCommand): Promise<boolean> {
    const { t, lang } = this.parts;
    try {
      return await this.dispatch(command);
    } catch (err) {
      if (err instanceof WsChatError && err.kind === 'refused') this.show(`${t.refused}${refusalReason(lang, err.code, err.message)}`);
      else this.show(`(${err instanceof Error ? err.message : String(err)})`);
      return false;
    }
  }

  private async dispatch(command: ChatCommand): Promise<boolean> {
    const { client, t, r } = this.parts;
    switch (command.kind) {
      case 'nothing':
        return false;
      case 'quit':
        return true;
      case 'help':
        this.show(r.help);
        return false;
      case 'unknown':
        this.show(t.unknownCommand(command.command, r.helpHint));
        return false;
      case 'usage':
        this.show(r.usage(command.usage));
        return false;
      case 'say':
        if (this.query !== null) client.say(command.text, { to: this.query });
        else if (this.room !== null) client.say(command.text, { room: this.room });
        else this.show(r.noRoom);
        return false;
      case 'msg':
        client.say(command.text, { to: command.name });
        return false;
      case 'join':
        await this.join(command.room, command.key);
        return false;
      case 'part':
        await this.part(command.room);
        return false;
      case 'switch': {
        const room = client.rooms.find((name) => sameRoom(name, command.room));
        if (room === undefined) {
          this.show(r.notIn(command.room));
        } else {
          this.room = room;
          this.query = null;
          this.show(r.switched(room));
        }
        return false;
      }
      case 'rooms': {
        const rooms = await client.listRooms();
        this.show(r.rooms(rooms, (name) => client.rooms.some((mine) => sameRoom(mine, name))));
        return false;
      }
      case 'who':
        await this.who(command.room);
        return false;
      case 'topic':
        if (this.room === null) this.show(r.noRoom);
        else if (command.text === undefined) this.show(r.topic(this.room, this.topics.get(roomTarget(this.room)) ?? ''));
        else client.setTopic(this.room, command.text);
        return false;
      case 'query':
        await this.startQuery(command.name);
        return false;
      case 'history':
        await this.older();
        return false;
      case 'search':
        await this.search(command.query);
        return false;
      case 'moderate':
        await this.moderate(command.action, command.name, command.reason);
        return false;
      case 'bans':
        if (this.room === null) this.show(r.noRoom);
        else this.show(this.parts.m.bans(this.room, (await client.call({ type: 'restrictions', room: this.room }, 'restrictions')).restrictions));
        return false;
    }
  }

  /** A moderation act in the current room; the room's notice (everyone hears it) says it was done. */
  private async moderate(action: ModerationAction, name: string, reason?: string): Promise<void> {
    const { client, r } = this.parts;
    const room = this.room;
    if (room === null) {
      this.show(r.noRoom);
      return;
    }
    const why = reason === undefined ? {} : { reason };
    if (action === 'kick') await client.call({ type: 'kick', name, room, ...why }, 'moderated');
    else await client.call({ type: action, kind: 'name', value: name, room, ...why }, 'moderated');
  }

  private async join(name: string, key?: string): Promise<void> {
    const { client, screen, t, r } = this.parts;
    const joined = await client.join(name, key);
    const room = joined.room.name;
    this.room = room;
    this.query = null;
    this.topics.set(roomTarget(room), joined.room.topic);
    this.block(t.recentHistory, withoutOwnJoin(joined.history, this.me), (text) => screen.show(text), roomTarget(room));
    const others = joined.members.filter((m) => !sameName(m, this.me));
    this.show(r.joined(room, others, joined.room.topic));
  }

  private async part(name?: string): Promise<void> {
    const { client, r } = this.parts;
    const room = name ?? this.room;
    if (room === null) {
      this.show(r.noRoom);
      return;
    }
    await client.part(room);
    this.topics.delete(roomTarget(room));
    if (this.room !== null && sameRoom(room, this.room)) this.room = this.fallbackRoom();
    this.show(r.parted(room, this.room));
  }

  /** After leaving the current room: #lobby if we are in it, else the room joined last, else none. */
  private fallbackRoom(): string | null {
    const rooms = this.parts.client.rooms;
    return rooms.find((name) => sameRoom(name, LOBBY)) ?? rooms.at(-1) ?? null;
  }

  private async who(which?: string): Promise<void> {
    const { client, r } = this.parts;
    if (which === '*') {
      this.show(r.online(await client.who()));
      return;
    }
    const room = which ?? this.room;
    if (room === null) this.show(r.noRoom);
    else this.show(r.members(room, await client.who(room)));
  }

  private async startQuery(name?: string): Promise<void> {
    const { client, r } = this.parts;
    if (name === undefined) {
      this.query = null;
      this.show(r.queryEnded(this.room));
      return;
    }
    // The conversation so far first: a refusal (a bad name) leaves the query as it was.
    const page = await client.history({ with: name }, undefined, PAGE);
    this.query = name;
    this.block(r.conversationWith(name), page.events, (text) => this.show(text), queryTarget(name));
    this.show(r.querying(name, this.room));
  }

  /** One page above the oldest event shown of the current room or conversation. */
  private async older(): Promise<void> {
    const { client, r } = this.parts;
    if (this.query === null && this.room === null) {
      this.show(r.noRoom);
      return;
    }
    const target: HistoryTarget = this.query !== null ? { with: this.query } : { room: this.room ?? LOBBY };
    const label = this.query !== null ? r.conversationWith(this.query) : (this.room ?? LOBBY);
    const key = this.query !== null ? queryTarget(this.query) : roomTarget(this.room ?? LOBBY);
    const page = await client.history(target, this.oldest.get(key), PAGE);
    if (page.events.length === 0) {
      this.show(r.nothingOlder(label));
      return;
    }
    this.block(r.older(label), page.events, (text) => this.show(text), key);
    if (!page.more) this.show(r.beginning(label));
  }

  private async search(query: string): Promise<void> {
    const { client, r } = this.parts;
    const found = await client.search(query, undefined, PAGE);
    if (found.length === 0) {
      this.show(r.noResults(query));
      return;
    }
    // Newest first on the wire; read top to bottom like the rest of the screen. Every line names its room.
    const lines = [...found].reverse().map((e) => `${dateStamp(e.at)}${eventLine(e, { ...this.view(), current: null })}`);
    this.show(this.parts.dim(`--- ${r.results(query, found.length)} ---`));
    for (const line of lines) this.show(line);
    this.show(this.parts.dim(`--- ${this.parts.t.now} ---`));
  }

  /** History is marked in plain text and also dimmed on a terminal, so it never reads as live. */
  private block(title: string, events: readonly WireEvent[], print: (text: string) => void, target?: string): void {
    if (events.length === 0) return;
    const { dim, t } = this.parts;
    // A page of a room also holds announcements (which name no room): the page's own first id is the cursor.
    const first = events.find((e) => e.id > 0)?.id;
    if (target !== undefined && first !== undefined) this.oldest.set(target, Math.min(first, this.oldest.get(target) ?? Infinity));
    print(dim(`--- ${title} ---`));
    for (const event of events) {
      this.shown(event);
      print(dim(`${stamp(event.at)}${eventLine(event, this.view())}`));
    }
    print(dim(`--- ${t.now} ---`));
  }

  /** Remember the oldest id shown of the event's room or conversation (announcements belong to none). */
  private shown(event: WireEvent): void {
    const key = targetOf(event, this.me);
    if (key === null || event.id <= 0) return;
    const known = this.oldest.get(key);
    if (known === undefined || event.id < known) this.oldest.set(key, event.id);
  }

  private view(): ViewPoint {
    return { me: this.me, current: this.query === null ? this.room : null, sentTo: this.parts.r.sentTo };
  }

  private show(text: string): void {
    this.parts.screen.show(text);
  }
}

/** A room's history ends with our own entrance, which the greeting says better. */
function withoutOwnJoin(history: readonly WireEvent[], me: string): WireEvent[] {
  return history.filter((e, i, all) => !(i === all.length - 1 && e.kind === 'join' && e.name !== undefined && sameName(e.name, me)));
}

/** `[MM-DD HH:MM] ` in local time: search results span days. */
export function dateStamp(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `[${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}] `;
}
