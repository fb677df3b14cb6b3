// Chat events and stored history as WireEvents (messages.ts): the fields, and the notice in the server's language.
import { editMark, noticeText, type Lang } from '../../core/i18n.js';
import { roomKey } from '../../core/chat/room-key.js';
import { LOBBY, type ChatEvent, type LeaveReason, type RoomInfo } from '../../core/chat/types.js';
import type { StoredEvent } from '../../store/history.js';
import type { WireEvent, WireRoom } from './messages.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const LOBBY_KEY = roomKey(LOBBY);

/**
 * Notices name their room, except in #lobby: old single-room clients (which only ever see #lobby)
 * read exactly the texts they always did ("alice joined the room", "alice: hi"), and a client
 * showing several rooms in one stream reads "[#dev] alice: hi" for the others.
 */
function namesRoom(room: string | undefined): boolean {
  return room !== undefined && room !== LOBBY && roomKey(room) !== LOBBY_KEY;
}

/** The notice of a live event; `room` picks the room of a quit (one leave per room). */
function noticeOf(lang: Lang, event: ChatEvent, room?: string): string {
  const where = room ?? ('room' in event ? event.room : undefined);
  return namesRoom(where) ? noticeText(lang, event, room === undefined ? { rooms: true } : { rooms: true, room }) : noticeText(lang, event);
}

/**
 * A live event on the wire (every kind but `quit`, which is one `leave` per room: see
 * {@link wireLeave}). `id` is the history store's id, or 0 where the event is not history.
 */
export function wireEvent(lang: Lang, event: Exclude<ChatEvent, { kind: 'quit' }>, id: number): WireEvent {
  const notice = noticeOf(lang, event);
  const at = event.at;
  switch (event.kind) {
    case 'join':
      return { id, at, kind: 'join', room: event.room, name: event.name, notice };
    case 'part': {
      const out: Mutable<WireEvent> = { id, at, kind: 'leave', room: event.room, name: event.name, reason: 'part', notice };
      if (event.text !== undefined) out.text = event.text;
      return out;
    }
    case 'message': {
      const out: Mutable<WireEvent> = { id, at, kind: 'message', room: event.room, name: event.name, text: event.text, notice };
      if (event.notice === true) out.asNotice = true;
      return out;
    }
    case 'dm': {
      const out: Mutable<WireEvent> = { id, at, kind: 'dm', name: event.name, to: event.to, text: event.text, notice };
      if (event.notice === true) out.asNotice = true;
      return out;
    }
    case 'topic': {
      const out: Mutable<WireEvent> = { id, at, kind: 'topic', room: event.room, text: event.topic, notice };
      if (event.name !== undefined) out.name = event.name;
      return out;
    }
    case 'mode': {
      const out: Mutable<WireEvent> = { id: 0, at, kind: 'mode', room: event.room, text: [event.change, ...event.args].join(' '), notice };
      if (event.name !== undefined) out.name = event.name;
      return out;
    }
    case 'invite':
      return { id: 0, at, kind: 'invite', room: event.room, name: event.name, to: event.to, notice };
    case 'rename':
      return { id, at, kind: 'rename', name: event.name, to: event.to, notice };
    case 'away':
      return event.text === null ? { id: 0, at, kind: 'away', name: event.name, notice } : { id: 0, at, kind: 'away', name: event.name, text: event.text, notice };
    case 'announce':
      return { id, at, kind: 'announce', text: event.text, notice };
    case 'file': {
      const out: Mutable<WireEvent> = { id, at, kind: 'file', room: event.room, path: event.path, size: event.size, notice };
      if (event.name !== undefined) out.name = event.name;
      return out;
    }
    case 'closing':
      return { id: 0, at, kind: 'closing', notice };
    case 'kick':
      // The one removed leaves the room (as history stores it); the notice says by whom and why.
      return { id, at, kind: 'leave', room: event.room, name: event.target, reason: 'kicked', text: event.text === '' ? `by ${event.name}` : `by ${event.name}: ${event.text}`, notice };
    case 'moderation':
      return { id: 0, at, kind: 'moderation', room: event.room, name: event.name, to: event.target, text: event.text, reason: event.action, notice };
    // Live only (id 0): `target` is the message's history id; the client changes that line.
    case 'edit':
      return { id: 0, at, kind: 'edit', target: event.target, ...placeOf(event), author: event.author, name: event.name, text: event.text, notice };
    case 'delete':
      return { id: 0, at, kind: 'delete', target: event.target, ...placeOf(event), author: event.author, name: event.name, notice };
    case 'typing':
      return { id: 0, at, kind: 'typing', ...placeOf(event), name: event.name, state: event.state, notice };
  }
}

/** `room`, or `to` for a direct conversation. */
function placeOf(event: { readonly room?: string; readonly to?: string }): { room: string } | { to: string } | Record<string, never> {
  if (event.room !== undefined) return { room: event.room };
  return event.to === undefined ? {} : { to: event.to };
}

/** The `leave` a quit is in one of its rooms. */
export function wireLeave(lang: Lang, event: Extract<ChatEvent, { kind: 'quit' }>, room: string, id: number): WireEvent {
  const out: Mutable<WireEvent> = { id, at: event.at, kind: 'leave', room, name: event.name, reason: event.reason, notice: noticeOf(lang, event, room) };
  if (event.text !== undefined) out.text = event.text;
  return out;
}

/** A stored event (history, search) on the wire, with its notice rendered in the server's language now. */
export function wireStored(lang: Lang, stored: StoredEvent): WireEvent {
  // A tombstone's notice says so instead of an empty line; an edited message's notice says it was edited.
  const shown = stored.deleted === true ? { ...stored, text: editMark(lang, 'deleted') } : stored;
  const event = asChatEvent(shown);
  const room = stored.kind === 'leave' && stored.reason !== 'part' ? stored.room : undefined;
  const notice = noticeOf(lang, event, room);
  return { ...stored, notice: stored.edited !== undefined && stored.deleted !== true ? `${notice} ${editMark(lang, 'edited')}` : notice };
}

/** The ChatEvent a stored row came from, as far as noticeText needs it. */
function asChatEvent(s: StoredEvent): ChatEvent {
  const base = { id: s.id, at: s.at, audience: [] };
  const name = s.name ?? '';
  const room = s.room ?? LOBBY;
  switch (s.kind) {
    case 'join':
      return { ...base, kind: 'join', room, name };
    case 'leave':
      return s.reason === 'part'
        ? { ...base, kind: 'part', room, name }
        : { ...base, kind: 'quit', name, reason: (s.reason ?? 'quit') as LeaveReason, rooms: [room] };
    case 'message':
      return { ...base, kind: 'message', room, name, text: s.text ?? '' };
    case 'dm':
      return { ...base, kind: 'dm', name, to: s.to ?? '', text: s.text ?? '' };
    case 'topic':
      return s.name === undefined ? { ...base, kind: 'topic', room, topic: s.text ?? '' } : { ...base, kind: 'topic', room, name, topic: s.text ?? '' };
    case 'rename':
      return { ...base, kind: 'rename', name, to: s.to ?? '', rooms: [room] };
    case 'announce':
      return { ...base, kind: 'announce', text: s.text ?? '' };
    case 'file':
      return s.name === undefined
        ? { ...base, kind: 'file', room, path: s.path ?? '', size: s.size ?? 0 }
        : { ...base, kind: 'file', room, name, path: s.path ?? '', size: s.size ?? 0 };
  }
}

/**
 * A room as listed. A `+k` key is a secret of the room's members: others see `*` (they learn a key
 * is needed, not what it is), as IRC's RPL_CHANNELMODEIS shows it to non-members.
 */
export function wireRoom(info: RoomInfo, showKey: boolean): WireRoom {
  const modes = info.modes.key === null || showKey ? info.modes : { ...info.modes, key: '*' };
  return { name: info.name, topic: info.topic, size: info.size, modes };
}
