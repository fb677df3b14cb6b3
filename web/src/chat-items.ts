// Lines of a chat log: building them from room events, merging replayed history, marking refusals.
import type { WireError, WireEvent } from './protocol.js';

/** One line of the chat log: a room event, one of our own messages, or a local notice. */
export interface ChatItem {
  readonly key: string;
  readonly kind: WireEvent['kind'] | 'reconnected';
  readonly at: number;
  /** The store's id (the `before` cursor of paging); absent on lines shown locally, 0 on live-only events. */
  readonly id?: number;
  readonly name?: string;
  /** Rename: the new name. Invite: the member invited. */
  readonly to?: string;
  /** Invite: the room one is invited to. */
  readonly room?: string;
  /** Leave: why (part, quit, kicked, banned...). Moderation: the act (ban, unban, mute, unmute). */
  readonly reason?: string;
  readonly text?: string;
  readonly path?: string;
  readonly size?: number;
  /** Our own message (the server does not echo it back). */
  readonly mine?: boolean;
  /** Our own message: the `ref` it was sent with, which the server's `sent` (its id) or refusal names. */
  readonly ref?: string;
  /** Our own message that the server refused, and why (RATE_LIMITED, ...): the reason stays with the line. */
  readonly failed?: WireError;
  /** Messages: when the text was last edited (ms). */
  readonly edited?: number;
  /** Messages: deleted (a tombstone: the line stays, its text is gone). */
  readonly deleted?: boolean;
}

/** The edit and delete marks a stored event may carry (history pages, welcome, joined). */
interface Revised {
  readonly edited?: number;
  readonly deleted?: boolean;
}

function sameAuthor(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Refusals that a later try can get past; the others (too long, bad characters) need the text edited. */
const RETRYABLE = new Set(['RATE_LIMITED', 'NOT_CONNECTED', 'NOT_IN_ROOM', 'SERVER_CLOSING']);

/** Whether "Send again" can work for a line refused with `error`. */
export function retryable(error: WireError): boolean {
  return RETRYABLE.has(error.code);
}

/** A log line for a room event; its key is its content, identical for live and replayed copies. */
export function toItem(event: WireEvent): ChatItem {
  const key = [event.kind, event.at, event.name ?? '', event.path ?? '', event.size ?? '', event.text ?? ''].join('\u0001');
  let item: ChatItem = { key, kind: event.kind, at: event.at, id: event.id, name: event.name, to: event.to, room: event.room, text: event.text, path: event.path, size: event.size };
  if (event.reason !== undefined) item = { ...item, reason: event.reason };
  return revised(item, event);
}

/** A line with the edit/delete marks of its stored copy (a tombstone keeps no text). */
function revised(item: ChatItem, marks: Revised): ChatItem {
  if (marks.deleted === true) return { ...item, deleted: true, text: '' };
  return typeof marks.edited === 'number' ? { ...item, edited: marks.edited } : item;
}

/**
 * What a replayed history tells about lines already shown: edits and deletions made meanwhile (by
 * id), and the ids of our own messages shown locally that no `sent` gave one (the connection
 * dropped before it came, or a server that sends none; editing and deleting need the id).
 */
export function reviseFromHistory(items: readonly ChatItem[], history: readonly WireEvent[], me: string): readonly ChatItem[] {
  if (history.length === 0) return items;
  const byId = new Map<number, number>();
  items.forEach((item, at) => {
    if (item.id !== undefined && item.id > 0) byId.set(item.id, at);
  });
  let next: ChatItem[] | undefined;
  const change = (at: number, item: ChatItem): void => {
    next ??= [...items];
    next[at] = item;
  };
  let pairedBefore = items.length;
  // Newest first: the newest stored copy of a text pairs with the newest local one (an older
  // message with the same words, said before, must not lend its id).
  for (const event of [...history].reverse()) {
    if (event.kind !== 'message' && event.kind !== 'dm') continue;
    const marks = event as Revised;
    const at = byId.get(event.id);
    if (at !== undefined) {
      const had = (next ?? items)[at];
      if (had && ((marks.deleted === true && !had.deleted) || (typeof marks.edited === 'number' && marks.edited !== had.edited))) {
        change(at, revised({ ...had, text: event.text }, marks));
      }
      continue;
    }
    if (!sameAuthor(event.name, me)) continue;
    // Our own line shown locally: the same text, or (edited or deleted since, so the words differ)
    // the next one back in order, as both lists are in the order the lines were said.
    const changed = marks.deleted === true || typeof marks.edited === 'number';
    const list = next ?? items;
    let own = -1;
    for (let i = Math.min(pairedBefore, list.length) - 1; i >= 0; i--) {
      const line = list[i];
      if (line?.mine === true && line.id === undefined && !line.failed && (changed || line.text === event.text)) {
        own = i;
        break;
      }
    }
    if (own < 0) continue;
    const had = list[own] as ChatItem;
    change(own, revised({ ...had, id: event.id, at: event.at, text: event.text }, marks));
    byId.set(event.id, own);
    pairedBefore = own;
  }
  return next ?? items;
}

/**
 * The lines of a replayed history that the log does not show yet. History overlaps what we
 * already show after a reconnect: skip events we have (by content, as live and replayed copies of
 * an event share their fields) and our own messages shown locally (`ownPending`, consumed here).
 */
export function freshHistory(have: readonly ChatItem[], history: readonly WireEvent[], me: string, ownPending: string[]): ChatItem[] {
  const keys = new Set(have.map((item) => item.key));
  // An edited or deleted line's content (so its key) differs from its replayed copy; its id does not.
  const ids = new Set(have.flatMap((item) => (item.id !== undefined && item.id > 0 ? [item.id] : [])));
  const fresh: ChatItem[] = [];
  for (const event of history) {
    const item = toItem(event);
    if (keys.has(item.key)) continue;
    if (event.id > 0 && ids.has(event.id)) {
      // Our own line that took this id from an earlier replay: its text is no longer pending.
      const own = sameAuthor(event.name, me) ? ownPending.indexOf(event.text ?? '') : -1;
      if (own >= 0) ownPending.splice(own, 1);
      continue;
    }
    if ((event.kind === 'message' || event.kind === 'dm') && event.name === me) {
      const own = ownPending.indexOf(event.text ?? '');
      if (own >= 0) {
        ownPending.splice(own, 1);
        continue;
      }
    }
    fresh.push(item);
  }
  return fresh;
}

/**
 * Mark the message a refusal answers. Over a token bucket the later messages of a burst are the
 * refused ones, so the newest own message not yet marked is the best guess at which one it was.
 * Returns the new lines and the text of the line marked (undefined when none was).
 */
export function markRefused(items: readonly ChatItem[], error: WireError): { items: ChatItem[]; text?: string } {
  const next = [...items];
  for (let i = next.length - 1; i >= 0; i--) {
    const item = next[i];
    if (item?.mine && !item.failed) {
      next[i] = { ...item, failed: error };
      return { items: next, text: item.text ?? '' };
    }
  }
  return { items: next };
}

/** The length the room counts: characters (code points), not UTF-16 units. */
export function messageLength(text: string): number {
  // UTF-16 length bounds the code point count from above: count only when it could matter.
  return text.length <= 1000 ? text.length : [...text].length;
}
