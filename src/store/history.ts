// The history store interface: room events kept across restarts, behind which SQLite (or Redis) sits.
import type { RoomEvent } from '../core/room.js';

/** A room event as stored and replayed: plain data, no member objects. `closing` is never stored. */
export interface StoredEvent {
  /** The store's own id: increases across restarts. */
  readonly id: number;
  /** When it happened, ms since the epoch. */
  readonly at: number;
  readonly kind: 'join' | 'message' | 'leave' | 'announce' | 'file';
  /** Who: the member for join/message/leave, the uploader (if known) for file. */
  readonly name?: string;
  /** Message or announcement text. */
  readonly text?: string;
  /** File notices: library path and size in bytes. */
  readonly path?: string;
  readonly size?: number;
  /** Leave notices: quit, timeout, disconnect, shutdown. */
  readonly reason?: string;
}

/** Where room events are kept. Implementations: src/store/sqlite.ts (embedded default). */
export interface HistoryStore {
  /** Keep one event (a `closing` event is ignored). Returns the stored form, or null if not kept. */
  append(event: RoomEvent): StoredEvent | null;
  /** The most recent `limit` events, oldest first. */
  recent(limit: number): StoredEvent[];
  /** Apply retention now (count and age); also runs by itself from time to time. */
  prune(): void;
  /** Release the database. */
  close(): void;
}

/** The storable fields of a room event, or null for events that are not history (`closing`). */
export function storable(event: RoomEvent): Omit<StoredEvent, 'id'> | null {
  switch (event.kind) {
    case 'join':
      return { at: event.at, kind: 'join', name: event.name };
    case 'message':
      return { at: event.at, kind: 'message', name: event.name, text: event.text };
    case 'leave':
      return { at: event.at, kind: 'leave', name: event.name, reason: event.reason };
    case 'announce':
      return { at: event.at, kind: 'announce', text: event.text };
    case 'file':
      return event.name === undefined
        ? { at: event.at, kind: 'file', path: event.path, size: event.size }
        : { at: event.at, kind: 'file', name: event.name, path: event.path, size: event.size };
    case 'closing':
      return null;
  }
}
