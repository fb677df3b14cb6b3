// History as IRC lines: the replay after JOIN, and the lines CHATHISTORY pages (msgid and server-time tags, chathistory batches).
import { noticeText } from '../../core/i18n.js';
import type { ChatEvent } from '../../core/chat/types.js';
import type { HistoryTarget, StoredEvent } from '../../store/history.js';
import { prefixLines } from './encoded.js';
import type { IrcHub } from './hub.js';
import { textLines, timeTag } from './lines.js';
import type { IrcSession } from './session.js';

/** `[2024-05-01 12:00 UTC] ` for clients without server-time, so old lines are not taken for new ones. */
function stamp(at: number): string {
  return `[${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC] `;
}

/** The source of a stored author: the member's live source while the same name is connected, else `name!name@netroom`. */
function authorSource(hub: IrcHub, name: string): string {
  const present = hub.chat.find(name);
  return present && present.name === name ? hub.sourceOf(present) : `${name}!${name}@netroom`;
}

/**
 * True for the rows that are conversation (PRIVMSG/NOTICE on IRC), the ones CHATHISTORY returns.
 * A deleted message is left out (IRCv3 message-redaction allows either that or the line plus a
 * REDACT; a line with no text would tell a client without the capability nothing).
 */
export function isConversation(e: StoredEvent): boolean {
  if (e.deleted === true) return false;
  return e.kind === 'message' || e.kind === 'dm' || e.kind === 'announce' || e.kind === 'file';
}

/**
 * The IRC lines (CR LF after each) of one stored conversation row, as `viewer` sees it: a room
 * message is PRIVMSG/NOTICE to its room, a direct message PRIVMSG/NOTICE to its addressee, an
 * announcement or file notice a server NOTICE to `target`. Null for other rows.
 */
export function storedLines(hub: IrcHub, e: StoredEvent, target: string, prefix: string): string | null {
  const server = hub.settings.serverName;
  switch (e.kind) {
    case 'message':
    case 'dm': {
      if (e.name === undefined || e.text === undefined) return null;
      const to = e.kind === 'message' ? (e.room ?? target) : (e.to ?? target);
      const text = e.text.startsWith('/me ') ? `/me ${prefix}${e.text.slice(4)}` : prefix + e.text;
      return textLines(authorSource(hub, e.name), e.asNotice ? 'NOTICE' : 'PRIVMSG', to, text);
    }
    case 'announce':
    case 'file': {
      const event = asEvent(e);
      return event === null ? null : textLines(server, 'NOTICE', target, prefix + noticeText(hub.ctx.lang, event));
    }
    default:
      return null;
  }
}

/** An announcement or file row as the chat event it was, for the shared notice texts. */
function asEvent(e: StoredEvent): ChatEvent | null {
  const base = { id: e.id, at: e.at, audience: [] };
  if (e.kind === 'announce') return e.text === undefined ? null : { ...base, kind: 'announce', text: e.text };
  if (e.kind === 'file' && e.path !== undefined && e.size !== undefined) {
    const room = e.room ?? '#lobby';
    return e.name === undefined ? { ...base, kind: 'file', room, path: e.path, size: e.size } : { ...base, kind: 'file', room, name: e.name, path: e.path, size: e.size };
  }
  return null;
}

/**
 * Send stored rows to one client: inside a `chathistory` batch when it has the batch capability
 * (IRCv3 batch, draft/chathistory), each line with its server-time and msgid tags as negotiated;
 * without server-time, a `[date UTC]` stamp in the text tells old lines from new.
 */
export function sendStored(hub: IrcHub, session: IrcSession, target: string, events: readonly StoredEvent[], always: boolean): void {
  const lines: string[] = [];
  const timed = session.serverTime;
  const id = session.batch ? hub.batchId() : undefined;
  for (const e of events) {
    const text = storedLines(hub, e, target, timed ? '' : stamp(e.at));
    if (text === null) continue;
    const tags: string[] = [];
    if (id !== undefined) tags.push(`batch=${id}`);
    if (session.messageTags) tags.push(`msgid=${e.id}`);
    if (timed) tags.push(timeTag(e.at).slice(1, -1));
    lines.push(tags.length === 0 ? text : prefixLines(text, `@${tags.join(';')} `));
  }
  if (lines.length === 0 && !always) return;
  if (id === undefined) {
    if (lines.length > 0) session.sendRaw(Buffer.from(lines.join(''), 'utf8'));
    return;
  }
  const server = hub.settings.serverName;
  session.sendRaw(Buffer.from(`:${server} BATCH +${id} chathistory ${target}\r\n${lines.join('')}:${server} BATCH -${id}\r\n`, 'utf8'));
}

/** Read a history target; null (logged) when the store fails: each caller answers that its own way. */
export async function readHistory(hub: IrcHub, read: () => Promise<StoredEvent[]>): Promise<StoredEvent[] | null> {
  try {
    return await read();
  } catch (err) {
    hub.log.warn({ err }, 'irc: history unavailable');
    return null;
  }
}

/**
 * After JOIN: the room's most recent conversation (messages, announcements, file notices; joins
 * and leaves are not replayed, NAMES has just shown who is here). A client with draft/chathistory
 * fetches history itself, as with Ergo, so it gets none unasked. Returns the read under way, if
 * any: the JOIN awaits it (awaited.ts), so the replay comes before what is said meanwhile. A store
 * that fails gives no replay (logged): the JOIN itself has succeeded.
 */
export function replayHistory(hub: IrcHub, session: IrcSession, room: string): Promise<void> | undefined {
  const store = hub.ctx.history;
  const limit = hub.settings.historySize;
  if (!store || limit <= 0 || session.chathistory) return undefined;
  const target: HistoryTarget = { room };
  // Joins and leaves are stored too: read deeper, so `limit` lines of conversation remain when there are.
  return readHistory(hub, () => store.recent(target, limit * 4)).then((events) => {
    // What was delivered live while the read waited follows the replay: not in it too (awaited.ts).
    if (events !== null) session.respond(() => sendStored(hub, session, room, events.filter((e) => isConversation(e) && !session.heard.has(e.id)).slice(-limit), false));
  });
}
