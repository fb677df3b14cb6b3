// Chat events as history rows and back: which events are kept, under which conversation, with which fields.
import { roomKey } from '../core/chat/room-key.js';
import type { ChatEvent } from '../core/chat/types.js';
import { foldName } from '../core/names.js';
import type { StoredEvent, StoredKind } from './history.js';
import { ANNOUNCE_CONV } from './sqlite-schema.js';

/**
 * The key of the conversation between two members: `dm:` and their folded names (foldName), sorted
 * so both sides share it, joined by a space. Never starts with `#`, so it cannot meet a room key.
 */
export function conversationKey(a: string, b: string): string {
  return dmKeyOf(nameKeyOf(a), nameKeyOf(b));
}

/*
 * Folding (UTS #39 skeleton) costs microseconds and every message needs its room's key: the keys of
 * the names seen recently are kept. Room and member names are few; the cache is emptied past a bound
 * so a flood of distinct names cannot grow it.
 */
const FOLD_CACHE_MAX = 10_000;
const roomKeys = new Map<string, string>();
const nameKeys = new Map<string, string>();

function cached(cache: Map<string, string>, name: string, fold: (name: string) => string): string {
  let key = cache.get(name);
  if (key === undefined) {
    if (cache.size >= FOLD_CACHE_MAX) cache.clear();
    key = fold(name);
    cache.set(name, key);
  }
  return key;
}

/** roomKey, remembered. */
export function roomKeyOf(room: string): string {
  return cached(roomKeys, room, roomKey);
}

/** foldName, remembered. */
export function nameKeyOf(name: string): string {
  return cached(nameKeys, name, foldName);
}

function dmKeyOf(x: string, y: string): string {
  return x <= y ? `dm:${x} ${y}` : `dm:${y} ${x}`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A row waiting for the next write: its stored form and conversation; direct messages also carry both members' keys. */
export interface PendingRow {
  readonly stored: StoredEvent;
  readonly conv: string;
  readonly members?: readonly [string, string];
  /** A message's or direct message's author account, when signed in (who may edit it). */
  readonly account?: string;
}

/** A row as read back. */
export interface Row {
  id: number;
  at: number;
  kind: StoredKind;
  name: string | null;
  text: string | null;
  path: string | null;
  size: number | null;
  reason: string | null;
  conv: string | null;
  room: string | null;
  to_name: string | null;
  notice: number | null;
  account: string | null;
  edited: number | null;
  deleted: number | null;
}

/** The insert's parameters, in the order of the INSERT in sqlite.ts. */
export type Params = [
  number,
  number,
  string,
  string | null,
  string | null,
  string | null,
  number | null,
  string | null,
  string,
  string | null,
  string | null,
  number | null,
  string | null,
];

/** Rows per multi-row INSERT: one statement step for many rows costs less than one per row. */
export const ROWS_PER_INSERT = 32;

/** An INSERT of `rows` rows (13 parameters each, in the order {@link pushParams} gives). */
export function insertSql(rows: number): string {
  const one = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return `INSERT INTO events (id, at, kind, name, text, path, size, reason, conv, room, to_name, notice, account) VALUES ${Array(rows).fill(one).join(', ')}`;
}

/** Append one row's 13 parameters to `out`. */
export function pushParams(out: Params[number][], row: PendingRow): void {
  const e = row.stored;
  out.push(
    e.id,
    e.at,
    e.kind,
    e.name ?? null,
    e.text ?? null,
    e.path ?? null,
    e.size ?? null,
    e.reason ?? null,
    row.conv,
    e.room ?? null,
    e.to ?? null,
    e.asNotice === true ? 1 : null,
    row.account ?? null,
  );
}

/** A row as a StoredEvent: absent fields stay absent (not null), like the events the chat emits. */
export function fromRow(row: Row): StoredEvent {
  const event: Mutable<StoredEvent> = { id: row.id, at: row.at, kind: row.kind };
  if (row.room !== null) event.room = row.room;
  if (row.name !== null) event.name = row.name;
  if (row.to_name !== null) event.to = row.to_name;
  if (row.text !== null) event.text = row.text;
  if (row.path !== null) event.path = row.path;
  if (row.size !== null) event.size = row.size;
  if (row.reason !== null) event.reason = row.reason;
  if (row.notice === 1) event.asNotice = true;
  if (row.edited !== null) event.edited = row.edited;
  if (row.deleted === 1) {
    // A tombstone: the row keeps its place (paging does not shift), the words are gone.
    event.deleted = true;
    event.text = '';
  }
  return event;
}

/**
 * The rows an event becomes, ids from `nextId` on (the caller advances its counter by the length).
 * `quit` and `rename` give one row per room they touched; `mode`, `invite`, `away` and `closing`
 * are not history and give none. On the hot path: no lookups, a few object literals.
 */
export function rowsOf(event: ChatEvent, nextId: number): PendingRow[] {
  const at = event.at;
  switch (event.kind) {
    case 'join':
      return [{ stored: { id: nextId, at, kind: 'join', room: event.room, name: event.name }, conv: roomKeyOf(event.room) }];
    case 'part': {
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'leave', room: event.room, name: event.name, reason: 'part' };
      if (event.text !== undefined) stored.text = event.text;
      return [{ stored, conv: roomKeyOf(event.room) }];
    }
    case 'quit':
      return event.rooms.map((room, i) => {
        const stored: Mutable<StoredEvent> = { id: nextId + i, at, kind: 'leave', room, name: event.name, reason: event.reason };
        if (event.text !== undefined) stored.text = event.text;
        return { stored, conv: roomKeyOf(room) };
      });
    case 'kick': {
      // The one removed leaves the room: a leave row, the reason saying who removed them and why.
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'leave', room: event.room, name: event.target, reason: 'kicked' };
      stored.text = event.text === '' ? `by ${event.name}` : `by ${event.name}: ${event.text}`;
      return [{ stored, conv: roomKeyOf(event.room) }];
    }
    case 'moderation':
      return [];
    case 'message': {
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'message', room: event.room, name: event.name, text: event.text };
      if (event.notice === true) stored.asNotice = true;
      const account = event.origin?.account;
      return [account === undefined ? { stored, conv: roomKeyOf(event.room) } : { stored, conv: roomKeyOf(event.room), account }];
    }
    case 'dm': {
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'dm', name: event.name, to: event.to, text: event.text };
      if (event.notice === true) stored.asNotice = true;
      const from = nameKeyOf(event.name);
      const to = nameKeyOf(event.to);
      const account = event.origin?.account;
      return [account === undefined ? { stored, conv: dmKeyOf(from, to), members: [from, to] } : { stored, conv: dmKeyOf(from, to), members: [from, to], account }];
    }
    case 'topic': {
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'topic', room: event.room, text: event.topic };
      if (event.name !== undefined) stored.name = event.name;
      return [{ stored, conv: roomKeyOf(event.room) }];
    }
    case 'rename':
      return event.rooms.map((room, i) => ({
        stored: { id: nextId + i, at, kind: 'rename', room, name: event.name, to: event.to },
        conv: roomKeyOf(room),
      }));
    case 'announce':
      return [{ stored: { id: nextId, at, kind: 'announce', text: event.text }, conv: ANNOUNCE_CONV }];
    case 'file': {
      const stored: Mutable<StoredEvent> = { id: nextId, at, kind: 'file', room: event.room, path: event.path, size: event.size };
      if (event.name !== undefined) stored.name = event.name;
      return [{ stored, conv: roomKeyOf(event.room) }];
    }
    case 'mode':
    case 'invite':
    case 'away':
    case 'closing':
    case 'edit':
    case 'delete':
    case 'typing':
      // Edits and deletes change the row they name (the store's update path); typing is never kept.
      return [];
  }
}
