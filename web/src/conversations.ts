// Pure updates of the rooms and conversations list: finding one, adding lines, unread counts, history pages.
import { freshHistory, toItem, type ChatItem } from './chat-items.js';
import type { Conversation } from './chat-state.js';
import type { WireEvent, WireRoom } from './protocol.js';

/** Names and room names are unique case-insensitively on the server; the UI compares them so too. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.toLowerCase() === b.toLowerCase();
}

/** The key of a room's entry. */
export function roomKey(room: string): string {
  return `room:${room.toLowerCase()}`;
}

/** The key of the conversation with a member. */
export function dmKey(name: string): string {
  return `dm:${name.toLowerCase()}`;
}

/** A room's entry as joined: its members and recent history. */
export function newRoom(room: WireRoom, members: readonly string[], items: readonly ChatItem[]): Conversation {
  return {
    key: roomKey(room.name),
    kind: 'room',
    name: room.name,
    topic: room.topic,
    members,
    items,
    unread: 0,
    // Whether older lines exist is only known by asking; an empty room has none.
    more: items.some((i) => (i.id ?? 0) > 0),
    loading: false,
    loaded: true,
  };
}

/** A conversation with `other`, its history not asked for yet. */
export function newDm(other: string, me: string): Conversation {
  return { key: dmKey(other), kind: 'dm', name: other, topic: '', members: sameName(other, me) ? [me] : [me, other], items: [], unread: 0, more: false, loading: false, loaded: false };
}

/** Replace the entry `key` by `change(entry)`; the list itself is new only when the entry exists. */
export function patch(convs: readonly Conversation[], key: string, change: (c: Conversation) => Conversation): readonly Conversation[] {
  const at = convs.findIndex((c) => c.key === key);
  const old = convs[at];
  if (old === undefined) return convs;
  const next = [...convs];
  next[at] = change(old);
  return next;
}

/** Add `conv`, or replace the entry of the same key where it stands. */
export function upsert(convs: readonly Conversation[], conv: Conversation): readonly Conversation[] {
  return convs.some((c) => c.key === conv.key) ? patch(convs, conv.key, () => conv) : [...convs, conv];
}

/** Lines that count as unread: what someone said or shared, not who came and went. */
export function countsAsUnread(kind: ChatItem['kind']): boolean {
  return kind === 'message' || kind === 'dm' || kind === 'file';
}

/** Append a line; `onScreen` entries never count unread. Keeps the newest `maxItems` (and says older ones exist). */
export function append(conv: Conversation, item: ChatItem, onScreen: boolean, maxItems: number): Conversation {
  const items = [...conv.items, item];
  const trimmed = items.length > maxItems ? items.slice(items.length - maxItems) : items;
  return {
    ...conv,
    items: trimmed,
    more: conv.more || trimmed.length < items.length,
    unread: onScreen || !countsAsUnread(item.kind) ? conv.unread : conv.unread + 1,
  };
}

/** The `before` cursor of the next page up: the first stored line's id. */
export function firstId(conv: Conversation): number | undefined {
  for (const item of conv.items) if (item.id !== undefined && item.id > 0) return item.id;
  return undefined;
}

/** A page of older history goes on top (lines already shown are skipped). */
export function prependPage(conv: Conversation, events: readonly WireEvent[], more: boolean): Conversation {
  const keys = new Set(conv.items.map((i) => i.key));
  const page = events.map(toItem).filter((i) => !keys.has(i.key));
  return { ...conv, items: [...page, ...conv.items], more: more && events.length > 0, loading: false, loaded: true };
}

/**
 * The newest history merged in (a first load, or after a reconnect): lines not shown yet, and our
 * own lines shown locally consumed from `ownPending`; kept in time order with what is there.
 */
export function mergeNewest(conv: Conversation, events: readonly WireEvent[], more: boolean, me: string, ownPending: string[]): Conversation {
  const fresh = freshHistory(conv.items, events, me, ownPending);
  // Stable sort: equal times keep history before the lines that were already there.
  const items = [...fresh, ...conv.items].map((item, order) => ({ item, order }));
  items.sort((a, b) => a.item.at - b.item.at || a.order - b.order);
  return { ...conv, items: items.map((x) => x.item), more: conv.more || (more && events.length > 0), loading: false, loaded: true };
}

/** The other side of a direct message, as seen by `me`. */
export function otherSide(event: { readonly name?: string; readonly to?: string }, me: string): string {
  return sameName(event.name, me) ? (event.to ?? me) : (event.name ?? '');
}

/** A member renamed: in member lists, and the conversation with them follows the new name. */
export function renamed(convs: readonly Conversation[], from: string, to: string): readonly Conversation[] {
  return convs.map((c) => {
    const members = c.members.some((m) => sameName(m, from)) ? c.members.map((m) => (sameName(m, from) ? to : m)) : c.members;
    if (c.kind === 'dm' && sameName(c.name, from)) return { ...c, key: dmKey(to), name: to, members };
    return members === c.members ? c : { ...c, members };
  });
}
