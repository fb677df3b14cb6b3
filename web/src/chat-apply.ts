// The server's answers and events applied to the chat state: which room or conversation each one changes, and what to ask next.
import { reviseFromHistory, toItem, type ChatItem } from './chat-items.js';
import { LOBBY, type ChatState, type Conversation } from './chat-state.js';
import { append, dmKey, mergeNewest, newDm, newRoom, otherSide, patch, prependPage, renamed, roomKey, sameName, upsert } from './conversations.js';
import type { ClientMessage, ServerMessage, WireEvent, WireRoom } from './protocol.js';

/** What applying a message needs from the client, and may change there. */
export interface ApplyContext {
  readonly maxItems: number;
  /** Texts of our own messages shown locally, per conversation key, not yet seen in a history. */
  readonly ownPending: Map<string, string[]>;
  /** Keys of rooms the user asked to join: the room goes on screen when joined. */
  readonly opening: Set<string>;
  /**
   * Joins not answered yet, oldest first (the server answers in order, and a refusal does not
   * name its room): `auto` for rooms a reconnect joins again, which go if refused.
   */
  joins: { readonly key: string; readonly auto: boolean }[];
  /** What each pending `history` request is for: a page above the log, or the newest lines to merge. */
  readonly historyMode: Map<string, 'page' | 'newest'>;
  /** Where the last message went: a refusal marks its line there. */
  lastSaid: string | null;
  /** A key for a line made here (a local notice). */
  nextKey(): string;
}

/** The new state and the requests it calls for. */
export interface Applied {
  readonly state: ChatState;
  readonly send: ClientMessage[];
}

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** The newest history merged into a conversation, after it told what changed in the lines shown (edits, deletions, our ids). */
function mergeReplayed(conv: Conversation, events: readonly WireEvent[], more: boolean, me: string, pending: string[]): Conversation {
  const items = reviseFromHistory(conv.items, events, me);
  return mergeNewest(items === conv.items ? conv : { ...conv, items }, events, more, me, pending);
}

function pendingOf(ctx: ApplyContext, key: string): string[] {
  let list = ctx.ownPending.get(key);
  if (!list) ctx.ownPending.set(key, (list = []));
  return list;
}

/** The newest lines of a room or conversation, to be merged into what is shown. */
export function askNewest(ctx: ApplyContext, conv: Conversation): ClientMessage {
  ctx.historyMode.set(conv.key, 'newest');
  return conv.kind === 'room' ? { type: 'history', room: conv.name } : { type: 'history', with: conv.name };
}

/**
 * Entered, or back in after a reconnect: every room of `welcome.rooms` (#lobby with the members and
 * history the welcome carries, the others asked for), our conversations asked for, and rooms we
 * had that a non-resumed entry lost joined again.
 */
export function applyWelcome(state: ChatState, msg: Msg<'welcome'>, ctx: ApplyContext): Applied {
  const reentry = state.status === 'reconnecting' || state.convs.some((c) => c.items.length > 0);
  // `who` #lobby: its operators, so the member menu shows where we may moderate.
  const send: ClientMessage[] = [{ type: 'conversations' }, { type: 'who', room: LOBBY }];
  // An older server sends no rooms: it only has #lobby.
  const rooms: readonly WireRoom[] = msg.rooms ?? [{ name: LOBBY, topic: '', size: msg.members.length, modes: NO_MODES }];
  let convs: readonly Conversation[] = state.convs.filter((c) => c.kind === 'dm');
  for (const room of rooms) {
    const key = roomKey(room.name);
    const had = state.convs.find((c) => c.key === key);
    if (sameName(room.name, LOBBY)) {
      const base = had ? { ...had, topic: room.topic, members: [...msg.members] } : newRoom(room, msg.members, []);
      let lobby = mergeReplayed(base, msg.history, false, msg.name, pendingOf(ctx, key));
      if (!had) lobby = { ...lobby, more: lobby.items.some((i) => (i.id ?? 0) > 0) };
      if (reentry && had) lobby = { ...lobby, items: [...lobby.items, reconnectedLine(ctx)] };
      convs = [...convs, lobby];
    } else {
      const conv = had ? { ...had, topic: room.topic } : newRoom(room, [], []);
      convs = [...convs, conv];
      send.push({ type: 'who', room: room.name }, askNewest(ctx, conv));
    }
  }
  // A fresh entry (the server forgot us, e.g. it restarted) is in #lobby only: join again what we
  // had, keeping its lines meanwhile (the `joined` history merges into them).
  ctx.joins = [];
  for (const lost of state.convs) {
    if (lost.kind === 'room' && !convs.some((c) => c.key === lost.key)) {
      convs = [...convs, { ...lost, members: [] }];
      ctx.joins.push({ key: lost.key, auto: true });
      send.push({ type: 'join', room: lost.name });
    }
  }
  // Rooms first (in the order the server gave, then the ones joined again), then conversations as they were.
  convs = [...convs.filter((c) => c.kind === 'room'), ...convs.filter((c) => c.kind === 'dm')];
  for (const dm of convs) if (dm.kind === 'dm' && dm.loaded) send.push(askNewest(ctx, dm));
  const current = convs.some((c) => c.key === state.current) ? state.current : (convs.find((c) => c.kind === 'room')?.key ?? null);
  return {
    state: {
      ...state,
      status: 'in',
      name: msg.name,
      // An older server sends no account: a guest.
      account: msg.account ?? null,
      removed: null,
      convs,
      current,
      lastRoom: state.lastRoom ?? roomKeyName(convs, current),
      enterError: null,
      // Not connected is over: the error said so, and it is no longer true.
      sayError: state.sayError?.code === 'NOT_CONNECTED' ? null : state.sayError,
    },
    send,
  };
}

const NO_MODES: WireRoom['modes'] = { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: null, limit: null };

function reconnectedLine(ctx: ApplyContext): ChatItem {
  return { key: ctx.nextKey(), kind: 'reconnected', at: Date.now() };
}

function roomKeyName(convs: readonly Conversation[], key: string | null): string | null {
  const conv = convs.find((c) => c.key === key);
  return conv?.kind === 'room' ? conv.name : null;
}

/** Joined a room: its entry (merged with what we showed, after a reconnect), on screen if the user asked. */
export function applyJoined(state: ChatState, msg: Msg<'joined'>, ctx: ApplyContext): Applied {
  const key = roomKey(msg.room.name);
  const had = state.convs.find((c) => c.key === key);
  const me = state.name ?? '';
  const conv = had
    ? mergeReplayed({ ...had, name: msg.room.name, topic: msg.room.topic, members: [...msg.members], ops: msg.ops ?? [] }, msg.history, false, me, pendingOf(ctx, key))
    : { ...newRoom(msg.room, [...msg.members], msg.history.map(toItem)), ops: msg.ops ?? [] };
  const answered = ctx.joins.findIndex((j) => j.key === key);
  if (answered >= 0) ctx.joins.splice(answered, 1);
  const opened = ctx.opening.delete(key);
  const convs = upsert(state.convs, opened ? { ...conv, unread: 0 } : conv);
  return {
    state: { ...state, convs, current: opened ? key : state.current, lastRoom: opened ? msg.room.name : state.lastRoom, roomError: opened ? null : state.roomError },
    send: [],
  };
}

/** Parted: the room goes; if it was on screen, the first other room (or conversation) comes up. */
export function applyParted(state: ChatState, room: string): ChatState {
  const key = roomKey(room);
  const convs = state.convs.filter((c) => c.key !== key);
  const current = state.current === key ? (convs[0]?.key ?? null) : state.current;
  const lastRoom = sameName(state.lastRoom, room) ? roomKeyName(convs, current) : state.lastRoom;
  return { ...state, convs, current, lastRoom };
}

/** A `history` answer: a page on top, or the newest lines merged in. */
export function applyHistory(state: ChatState, msg: Msg<'history'>, ctx: ApplyContext): ChatState {
  const key = msg.room !== undefined ? roomKey(msg.room) : msg.with !== undefined ? dmKey(msg.with) : roomKey(LOBBY);
  const mode = ctx.historyMode.get(key) ?? 'page';
  ctx.historyMode.delete(key);
  const me = state.name ?? '';
  const convs = patch(state.convs, key, (c) => (mode === 'page' ? prependPage(c, msg.events, msg.more) : mergeReplayed(c, msg.events, msg.more, me, pendingOf(ctx, key))));
  return { ...state, convs };
}

/** Our conversations from the server (newest first): the ones not listed yet are added, not loaded. */
export function applyConversations(state: ChatState, msg: Msg<'conversations'>): ChatState {
  const me = state.name ?? '';
  const known = new Set(state.convs.map((c) => c.key));
  const added = msg.conversations.filter((c) => !known.has(dmKey(c.with))).map((c) => newDm(c.with, me));
  return added.length === 0 ? state : { ...state, convs: [...state.convs, ...added] };
}

/** A live event: into the room or conversation it belongs to (unread where it is not on screen). */
export function applyEvent(state: ChatState, event: WireEvent, ctx: ApplyContext): Applied {
  const me = state.name ?? '';
  if (event.kind === 'edit' || event.kind === 'delete') return { state: applyRevision(state, event, me), send: [] };
  // Typing is live state, never a log line (typing.ts keeps it before events get here).
  if (event.kind === 'typing') return { state, send: [] };
  const item = toItem(event);
  const add = (convs: readonly Conversation[], key: string, line: ChatItem = item): readonly Conversation[] =>
    patch(convs, key, (c) => append(c, line, key === state.current, ctx.maxItems));
  switch (event.kind) {
    case 'announce':
    case 'closing': {
      // Heard by everyone: every room shows it, and a conversation on screen too.
      let convs = state.convs;
      for (const c of state.convs) if (c.kind === 'room' || c.key === state.current) convs = add(convs, c.key);
      if (event.kind === 'closing') convs = convs.map((c) => (c.kind === 'room' ? { ...c, members: [] } : c));
      return { state: { ...state, convs }, send: [] };
    }
    case 'dm':
      return { state: applyDm(state, event, item, ctx), send: [] };
    case 'rename': {
      const from = event.name ?? '';
      const to = event.to ?? '';
      const rooms = state.convs.filter((c) => c.kind === 'room' && (event.room === undefined ? c.members.some((m) => sameName(m, from)) : sameName(c.name, event.room)));
      let convs = state.convs;
      for (const c of rooms) convs = add(convs, c.key);
      convs = renamed(convs, from, to);
      const current = state.current === dmKey(from) ? dmKey(to) : state.current;
      return { state: { ...state, convs, current, name: sameName(from, me) ? to : state.name }, send: [] };
    }
    case 'away':
      return { state, send: [] }; // not shown: away is an IRC habit the web UI has no place for yet
    case 'invite': {
      // Invited to a room: said where we are looking, with a way to join.
      const key = state.current ?? state.convs[0]?.key;
      return { state: key === undefined ? state : { ...state, convs: add(state.convs, key) }, send: [] };
    }
    case 'leave':
      if (event.reason === 'kicked' && event.room !== undefined && sameName(event.name, me)) {
        // Removed from a room by its operator: the room goes, and the sidebar says why.
        return { state: { ...applyParted(state, event.room), roomError: { code: 'KICKED', message: `${event.room}: ${event.text ?? ''}` } }, send: [] };
      }
      return applyRoomEvent(state, event, add);
    case 'mode': {
      // Operators may have changed (+o/-o): ask who moderates the room now.
      const applied = applyRoomEvent(state, event, add);
      return event.room === undefined ? applied : { ...applied, send: [{ type: 'who', room: event.room }] };
    }
    default:
      return applyRoomEvent(state, event, add);
  }
}

function applyRoomEvent(
  state: ChatState,
  event: WireEvent,
  add: (convs: readonly Conversation[], key: string) => readonly Conversation[],
): Applied {
  // File notices without a room (an older server) belong to #lobby.
  const key = roomKey(event.room ?? LOBBY);
  if (!state.convs.some((c) => c.key === key)) return { state, send: [] }; // a room we have left meanwhile
  const name = event.name ?? '';
  let convs = add(state.convs, key);
  convs = patch(convs, key, (c) => {
    if (event.kind === 'join' && !c.members.some((m) => sameName(m, name))) return { ...c, members: [...c.members, name] };
    if (event.kind === 'leave') return { ...c, members: c.members.filter((m) => !sameName(m, name)) };
    if (event.kind === 'topic') return { ...c, topic: event.text ?? '' };
    return c;
  });
  return { state: { ...state, convs }, send: [] };
}

/** A direct message to or from us: into the conversation with the other side (started if new). */
function applyDm(state: ChatState, event: WireEvent, item: ChatItem, ctx: ApplyContext): ChatState {
  const me = state.name ?? '';
  const other = otherSide(event, me);
  const key = dmKey(other);
  let convs = state.convs.some((c) => c.key === key) ? state.convs : [...state.convs, newDm(other, me)];
  if (sameName(event.name, me)) {
    // Our own, back from the server (it sends direct messages to both sides). Its `sent`, which comes
    // first, has already given the local line this id: nothing to add.
    if (convs.some((c) => c.key === key && c.items.some((i) => i.mine === true && i.id === event.id))) return { ...state, convs };
    // Otherwise (a server that sends no `sent`) the local copy takes its id by its text.
    const pending = pendingOf(ctx, key);
    const at = pending.indexOf(event.text ?? '');
    if (at >= 0) {
      pending.splice(at, 1);
      convs = patch(convs, key, (c) => {
        const own = c.items.findIndex((i) => i.mine === true && i.id === undefined && !i.failed && i.text === event.text);
        if (own < 0) return append(c, { ...item, mine: true }, true, ctx.maxItems);
        const items = [...c.items];
        // Its key becomes the stored copy's, so a history replayed later does not show it twice.
        items[own] = { ...(items[own] as ChatItem), key: item.key, id: event.id, at: event.at };
        return { ...c, items };
      });
      return { ...state, convs };
    }
    return { ...state, convs: patch(convs, key, (c) => append(c, { ...item, mine: true }, true, ctx.maxItems)) };
  }
  return { ...state, convs: patch(convs, key, (c) => append(c, item, key === state.current, ctx.maxItems)) };
}

/**
 * The server's answer to one of our messages (`say` with a `ref`): its line, wherever it is, takes
 * the id everyone else sees (so it can be edited and deleted at once) and the server's time. A
 * replayed history then knows it by that id (chat-items.ts freshHistory, which also consumes its
 * text in `ownPending` there).
 */
export function applySent(state: ChatState, msg: Msg<'sent'>): ChatState {
  const conv = state.convs.find((c) => c.items.some((i) => i.ref === msg.ref));
  if (!conv) return state; // gone meanwhile (the room left, the line taken back)
  // Id 0: the server keeps no history of it; there is nothing to edit it by.
  const confirm = (i: ChatItem): ChatItem => (i.ref !== msg.ref ? i : msg.id > 0 ? { ...i, id: msg.id, at: msg.at } : { ...i, at: msg.at });
  return { ...state, convs: patch(state.convs, conv.key, (c) => ({ ...c, items: c.items.map(confirm) })) };
}

/** An `edit` or `delete` event: which message (`target`, a history id) of which room or conversation. */
interface RevisionEvent {
  readonly kind: string;
  readonly at: number;
  readonly target?: number;
  readonly room?: string;
  readonly to?: string;
  readonly author?: string;
  readonly text?: string;
}

function revisionKey(event: RevisionEvent, me: string): string {
  return event.room !== undefined ? roomKey(event.room) : dmKey(otherSide({ name: event.author, to: event.to }, me));
}

/** A message edited (its new text, marked edited) or deleted (a tombstone) where it is shown. */
export function applyRevision(state: ChatState, event: RevisionEvent, me: string): ChatState {
  const target = event.target;
  if (target === undefined || target <= 0) return state;
  const key = revisionKey(event, me);
  const conv = state.convs.find((c) => c.key === key);
  const at = conv?.items.findIndex((i) => i.id === target) ?? -1;
  if (at < 0) return state; // not loaded here: a later history page carries the change
  const convs = patch(state.convs, key, (c) => {
    const had = c.items[at] as ChatItem;
    const items = [...c.items];
    items[at] = event.kind === 'delete' ? { ...had, deleted: true, text: '' } : { ...had, text: event.text ?? '', edited: event.at };
    return { ...c, items };
  });
  return { ...state, convs };
}
