// How the terminal WebSocket chat shows an event: the room named unless it is the current one, our own direct messages as "-> bob: hi".
import { roomKey } from '../core/chat/room-key.js';
import { spokenText } from '../core/i18n.js';
import { foldName } from '../core/names.js';
import type { WireEvent } from '../doors/ws/messages.js';

/** Where the reader is: their name, and the room lines go to (null in a private conversation or in no room). */
export interface ViewPoint {
  readonly me: string;
  readonly current: string | null;
  /** How our own direct message starts, e.g. `-> bob: ` (the client's language). */
  readonly sentTo: (name: string) => string;
}

/** Whether two room names are one room (`#Dev` and `#dev` are). */
export function sameRoom(a: string, b: string): boolean {
  return roomKey(a) === roomKey(b);
}

/** Whether two member names are one member (case and width folded, as the server compares them). */
export function sameName(a: string, b: string): boolean {
  return foldName(a) === foldName(b);
}

/**
 * The line for an event, without its time stamp. The server writes a room's name into every room
 * notice (`[#dev] alice: hi`, `alice joined #dev`): for the current room the `[#room] ` lead is
 * dropped, since the prompt already names the room; a room notice that does not name its room is
 * given the lead. A direct message from us is written for the addressee (`me (private): hi`), so it
 * is shown as `-> bob: hi` instead.
 */
export function eventLine(event: WireEvent, view: ViewPoint): string {
  if (event.kind === 'dm' && event.name !== undefined && event.to !== undefined && sameName(event.name, view.me)) {
    return spokenText(view.sentTo(event.to), event.name, event.text ?? '');
  }
  const room = event.room;
  if (room === undefined) return event.notice;
  const lead = `[${room}] `;
  if (view.current !== null && sameRoom(room, view.current)) {
    return event.notice.startsWith(lead) ? event.notice.slice(lead.length) : event.notice;
  }
  const named = event.notice.startsWith(lead) || ((event.kind === 'join' || event.kind === 'leave' || event.kind === 'topic') && event.notice.includes(room));
  return named ? event.notice : lead + event.notice;
}

/** The key of whose history an event belongs to: its room, or the conversation with the other side. */
export function targetOf(event: WireEvent, me: string): string | null {
  if (event.room !== undefined) return roomTarget(event.room);
  if (event.kind === 'dm' && event.name !== undefined && event.to !== undefined) {
    return queryTarget(sameName(event.name, me) ? event.to : event.name);
  }
  return null;
}

export function roomTarget(room: string): string {
  return roomKey(room);
}

export function queryTarget(name: string): string {
  return `@${foldName(name)}`;
}
