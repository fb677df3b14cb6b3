// CHATHISTORY (IRCv3 draft/chathistory): LATEST/BEFORE/AFTER/AROUND/BETWEEN on rooms and nick conversations, and TARGETS.
import type { Member } from '../../../core/chat/types.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, StoredEvent } from '../../../store/history.js';
import { serialize } from '../codec.js';
import type { IrcHub } from '../hub.js';
import { isConversation, readHistory, sendStored } from '../history.js';
import type { IrcSession } from '../session.js';
import { CHATHISTORY_MAX } from '../welcome.js';
import { command } from './types.js';

/** How far back a request may look, in stored rows of one target (the store keeps its own retention). */
const SCAN_ROWS = 5000;

/** A message reference: `msgid=N`, `timestamp=ISO`, or `*` (LATEST only). */
type Ref = { readonly id: number } | { readonly at: number } | null;

function parseRef(raw: string | undefined): Ref | undefined {
  if (raw === '*') return null;
  if (raw?.startsWith('msgid=')) {
    const id = Number(raw.slice(6));
    return Number.isSafeInteger(id) ? { id } : undefined;
  }
  if (raw?.startsWith('timestamp=')) {
    const at = Date.parse(raw.slice(10));
    return Number.isFinite(at) ? { at } : undefined;
  }
  return undefined;
}

/** Position of an event relative to a reference: negative before, 0 at it, positive after. */
function compare(e: StoredEvent, ref: { id: number } | { at: number }): number {
  return 'id' in ref ? e.id - ref.id : e.at - ref.at;
}

function fail(hub: IrcHub, session: IrcSession, code: string, context: string[], text: string): void {
  session.send(serialize({ source: hub.settings.serverName, command: 'FAIL', params: ['CHATHISTORY', code, ...context, text] }));
}

/** The history target a client names: a room it may read, or a nick (a conversation with it). */
function targetOf(hub: IrcHub, session: IrcSession, name: string): { target: HistoryTarget; label: string } | null {
  const member = session.member;
  if (!member || name === '') return null;
  if (name.startsWith('#')) {
    const info = hub.chat.room(name);
    // Only rooms one is in (as Ergo): history of a room one has not joined is not browsed over IRC.
    if (!info || hub.chat.standing(info.name, member) === undefined) return null;
    return { target: { room: info.name }, label: info.name };
  }
  const other = hub.chat.find(name);
  // The batch names the nick as the client wrote it (Ergo does too; irctest asks in upper case).
  return { target: { between: [member.name, other?.name ?? name], since: hub.chat.conversationsSince(member) }, label: name };
}

/** Pick the rows a subcommand asks for, oldest first. */
function select(sub: string, rows: readonly StoredEvent[], a: Ref, b: Ref | undefined, limit: number): StoredEvent[] | undefined {
  switch (sub) {
    case 'LATEST':
      return (a === null ? rows : rows.filter((e) => compare(e, a) > 0)).slice(-limit);
    case 'BEFORE':
      return a === null ? undefined : rows.filter((e) => compare(e, a) < 0).slice(-limit);
    case 'AFTER':
      return a === null ? undefined : rows.filter((e) => compare(e, a) > 0).slice(0, limit);
    case 'AROUND': {
      if (a === null) return undefined;
      const before = rows.filter((e) => compare(e, a) < 0);
      const from = rows.filter((e) => compare(e, a) >= 0);
      const back = Math.floor((limit - 1) / 2);
      const older = back > 0 ? before.slice(-back) : [];
      return [...older, ...from.slice(0, limit - older.length)];
    }
    case 'BETWEEN': {
      if (a === null || b === null || b === undefined) return undefined;
      const ascending = compare({ id: 0, at: 0, kind: 'message', ...('id' in a ? { id: a.id } : { at: a.at }) }, b) <= 0;
      const [low, high] = ascending ? [a, b] : [b, a];
      const inside = rows.filter((e) => compare(e, low) > 0 && compare(e, high) < 0);
      return ascending ? inside.slice(0, limit) : inside.slice(-limit);
    }
    default:
      return undefined;
  }
}

/** The conversations of a member, [] (logged) when the store fails: TARGETS lists what it can. */
async function conversationsOf(hub: IrcHub, store: HistoryStore, member: Member): Promise<ConversationSummary[]> {
  try {
    return await store.conversations(member.name, 100, hub.chat.conversationsSince(member));
  } catch (err) {
    hub.log.warn({ err }, 'irc: conversations unavailable');
    return [];
  }
}

/** TARGETS: rooms this client is in and nicks it has talked with, with activity between two timestamps. */
function targets(hub: IrcHub, session: IrcSession, a: Ref, b: Ref, limit: number): Promise<void> | undefined {
  const member = session.member;
  const store = hub.ctx.history;
  if (!member || !store || a === null || b === null || !('at' in a) || !('at' in b)) {
    fail(hub, session, 'INVALID_PARAMS', ['TARGETS'], 'TARGETS takes two timestamps and a limit');
    return undefined;
  }
  const [low, high] = a.at <= b.at ? [a.at, b.at] : [b.at, a.at];
  // The rooms as they are now; the reads run together (a networked store answers each over the network).
  const rooms = hub.chat.roomsOf(member);
  const reads = Promise.all([Promise.all(rooms.map((room) => readHistory(hub, () => store.recent({ room }, 50)))), conversationsOf(hub, store, member)]);
  return reads.then(([lasts, conversations]) => {
    const found: { name: string; at: number }[] = [];
    rooms.forEach((room, i) => {
      const last = lasts[i]?.filter(isConversation).at(-1);
      if (last && last.at > low && last.at < high) found.push({ name: room, at: last.at });
    });
    for (const c of conversations) if (c.lastAt > low && c.lastAt < high) found.push({ name: c.with, at: c.lastAt });
    session.respond(() => sendTargets(hub, session, found, limit));
  });
}

/** The TARGETS reply, oldest activity first, in a draft/chathistory-targets batch when the client has batch. */
function sendTargets(hub: IrcHub, session: IrcSession, found: { name: string; at: number }[], limit: number): void {
  found.sort((x, y) => x.at - y.at);
  const server = hub.settings.serverName;
  const id = session.batch ? hub.batchId() : undefined;
  const lines = found.slice(0, limit).map((t) => `${id ? `@batch=${id} ` : ''}:${server} CHATHISTORY TARGETS ${t.name} ${new Date(t.at).toISOString()}\r\n`);
  const out = id ? `:${server} BATCH +${id} draft/chathistory-targets\r\n${lines.join('')}:${server} BATCH -${id}\r\n` : lines.join('');
  if (out !== '') session.sendRaw(Buffer.from(out, 'utf8'));
}

export const CHATHISTORY = command(
  (hub, session, message) => {
    const [rawSub = '', ...rest] = message.params;
    const sub = rawSub.toUpperCase();
    const store = hub.ctx.history;
    const limitOf = (raw: string | undefined): number | undefined => (raw !== undefined && /^\d+$/u.test(raw) ? Math.min(Number(raw), CHATHISTORY_MAX) : undefined);
    if (sub === 'TARGETS') {
      const limit = limitOf(rest[2]);
      const a = parseRef(rest[0]);
      const b = parseRef(rest[1]);
      if (limit === undefined || a === undefined || b === undefined) {
        fail(hub, session, 'INVALID_PARAMS', [sub], 'TARGETS takes two timestamps and a limit');
        return undefined;
      }
      return targets(hub, session, a, b, limit);
    }
    if (!['LATEST', 'BEFORE', 'AFTER', 'AROUND', 'BETWEEN'].includes(sub)) {
      fail(hub, session, 'INVALID_PARAMS', [rawSub || '*'], 'Unknown CHATHISTORY subcommand');
      return;
    }
    const [name = ''] = rest;
    const a = parseRef(rest[1]);
    const b = sub === 'BETWEEN' ? parseRef(rest[2]) : null;
    const limit = limitOf(rest[sub === 'BETWEEN' ? 3 : 2]);
    if (a === undefined || b === undefined || limit === undefined) {
      fail(hub, session, 'INVALID_PARAMS', [sub], 'Bad message reference or limit');
      return;
    }
    const resolved = targetOf(hub, session, name);
    if (!resolved) {
      fail(hub, session, 'INVALID_TARGET', [sub, name || '*'], 'No history you may read there');
      return;
    }
    if (!store) {
      sendStored(hub, session, resolved.label, [], true);
      return;
    }
    // Awaited by the hub (awaited.ts): the connection's next lines wait, the reply is sent in respond().
    return readHistory(hub, () => store.recent(resolved.target, SCAN_ROWS)).then((rows) =>
      session.respond(() => {
        if (rows === null) {
          fail(hub, session, 'MESSAGE_ERROR', [sub, resolved.label], 'History is unavailable');
          return;
        }
        const picked = select(sub, rows.filter(isConversation), a, b, limit);
        if (picked === undefined) {
          fail(hub, session, 'INVALID_PARAMS', [sub], 'That reference does not fit this subcommand');
          return;
        }
        sendStored(hub, session, resolved.label, picked, true);
      }),
    );
  },
  { minParams: 1 },
);
