// Answers to the chat client's requests (joined, parted, sent, members, rooms, history, results, conversations) and refusals of them.
import { applyConversations, applyEvent, applyHistory, applyJoined, applyParted, applySent, type ApplyContext, type Applied } from './chat-apply.js';
import { markRefused, type ChatItem } from './chat-items.js';
import type { ChatState } from './chat-state.js';
import { patch, roomKey } from './conversations.js';
import type { ServerMessage, WireError } from './protocol.js';

/** Server messages that only mean something once entered. */
export type ChatAnswer = Exclude<ServerMessage, { type: 'library' | 'hello' | 'error' | 'welcome' }>;

// Requests about rooms whose refusals show in the sidebar.
const ROOM_REQUESTS = new Set(['join', 'part', 'topic', 'rooms']);
// Moderation requests: their refusals show beside the member menu and the bans list.
const MODERATION_REQUESTS = new Set(['kick', 'ban', 'mute', 'unban', 'unmute', 'restrictions']);

/** Apply an answer or a live event. */
export function applyAnswer(state: ChatState, message: ChatAnswer, ctx: ApplyContext): Applied {
  const done = (next: ChatState): Applied => ({ state: next, send: [] });
  switch (message.type) {
    case 'joined':
      return applyJoined(state, message, ctx);
    case 'parted':
      return done(applyParted(state, message.room));
    case 'event': {
      const event = message.event;
      let { fates } = state;
      if (event.kind === 'file' && event.path !== undefined && fates.has(event.path)) {
        // A new file at a path an older notice named: that notice's link works again.
        const next = new Map(fates);
        next.delete(event.path);
        fates = next;
      }
      return applyEvent({ ...state, fates }, event, ctx);
    }
    case 'members': {
      // Only answers about a room: the keepalive's `who` (everyone connected) just proves we are alive.
      if (message.room === undefined) return done(state);
      const members = [...message.members];
      const ops = message.ops;
      return done({ ...state, convs: patch(state.convs, roomKey(message.room), (c) => (ops === undefined ? { ...c, members } : { ...c, members, ops: [...ops] })) });
    }
    case 'rooms':
      return done(state.directory === null ? state : { ...state, directory: [...message.rooms] });
    case 'history':
      return done(applyHistory(state, message, ctx));
    case 'results':
      return done(state.search?.query === message.query ? { ...state, search: { ...state.search, results: [...message.events] } } : state);
    case 'conversations':
      return done(applyConversations(state, message));
    case 'sent':
      return done(applySent(state, message));
    case 'left':
      return done(state); // leave() has already reset the state
    case 'moderated':
      return done({ ...state, moderation: { done: message.about, error: null } });
    case 'restrictions':
      return done(state.restrictions === null ? state : { ...state, restrictions: { ...state.restrictions, list: [...message.restrictions] } });
  }
}

/**
 * A refused request other than `enter`: room requests say why in the sidebar, a search in its
 * results, a history page stops the paging; anything else refused a message (RATE_LIMITED, ...),
 * whose line is marked where it was said: the line sent with `ref`, when the refusal names one.
 */
export function applyRefusal(state: ChatState, error: WireError, about: string | undefined, ctx: ApplyContext, ref?: string): ChatState {
  if (about === 'who' || about === 'conversations') return state; // background requests; not the user's business
  if (about !== undefined && MODERATION_REQUESTS.has(about)) {
    const restrictions = about === 'restrictions' && state.restrictions !== null ? { ...state.restrictions, list: [] } : state.restrictions;
    return { ...state, restrictions, moderation: { done: null, error } };
  }
  if (about !== undefined && ROOM_REQUESTS.has(about)) {
    if (about === 'join') {
      // Answers come in order: the refused join is the oldest one not answered yet.
      const refused = ctx.joins.shift();
      if (refused) ctx.opening.delete(refused.key);
      if (refused?.auto) {
        // A room a reconnect could not join again (a key, invite-only since): it goes.
        const convs = state.convs.filter((c) => c.key !== refused.key);
        const current = state.current === refused.key ? (convs[0]?.key ?? null) : state.current;
        return { ...state, convs, current, roomError: error };
      }
    }
    return { ...state, roomError: error };
  }
  // An edit or delete refused (not yours, gone, muted...): said under the composer; no line is marked.
  if (about === 'edit' || about === 'delete') return { ...state, sayError: error };
  if (about === 'search') return { ...state, search: { query: state.search?.query ?? '', results: [], error } };
  if (about === 'history') {
    // No more pages from there: stop asking (scrolling up again would only repeat the refusal).
    ctx.historyMode.clear();
    return { ...state, convs: state.convs.map((c) => (c.loading ? { ...c, loading: false, more: false } : c)) };
  }
  if (ref !== undefined) return refusedByRef(state, error, ref, ctx);
  // A refusal naming no line (a server that does not echo refs): the newest unmarked one where we last spoke.
  const key = ctx.lastSaid ?? state.current ?? '';
  const conv = state.convs.find((c) => c.key === key);
  if (!conv) return { ...state, sayError: error };
  const marked: { items: ChatItem[]; text?: string } = markRefused(conv.items, error);
  if (marked.text !== undefined) {
    // Never stored, so no replayed history will carry it: stop expecting it there.
    const pending = ctx.ownPending.get(key) ?? [];
    const at = pending.lastIndexOf(marked.text);
    if (at >= 0) pending.splice(at, 1);
  }
  return { ...state, sayError: error, convs: patch(state.convs, key, (c) => ({ ...c, items: marked.items })) };
}

/** The refused message is the line sent with `ref`: marked, wherever it is, and no longer expected in a replayed history (never stored). */
function refusedByRef(state: ChatState, error: WireError, ref: string, ctx: ApplyContext): ChatState {
  const conv = state.convs.find((c) => c.items.some((i) => i.ref === ref && i.mine === true && !i.failed));
  if (!conv) return { ...state, sayError: error }; // the line is gone meanwhile: the reason still shows under the composer
  const items = conv.items.map((i) => (i.ref === ref ? { ...i, failed: error } : i));
  const text = items.find((i) => i.ref === ref)?.text ?? '';
  const pending = ctx.ownPending.get(conv.key) ?? [];
  const at = pending.lastIndexOf(text);
  if (at >= 0) pending.splice(at, 1);
  return { ...state, sayError: error, convs: patch(state.convs, conv.key, (c) => ({ ...c, items })) };
}
