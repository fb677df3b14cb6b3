// History replay on JOIN: the room's recent events as IRC lines with server-time tags.
import { noticeText } from '../../core/i18n.js';
import type { LeaveReason, RoomEvent } from '../../core/room.js';
import type { StoredEvent } from '../../store/history.js';
import type { IrcHub } from './hub.js';
import { CHANNEL, tagLines, textLines } from './lines.js';
import type { IrcSession } from './session.js';

const LEAVE_REASONS: readonly string[] = ['quit', 'timeout', 'disconnect', 'shutdown'] satisfies LeaveReason[];

/** A stored event as the room event it was, for the shared notice texts; null if it lacks its fields. */
function asRoomEvent(e: StoredEvent): RoomEvent | null {
  const base = { id: e.id, at: e.at };
  switch (e.kind) {
    case 'join':
      return e.name === undefined ? null : { ...base, kind: 'join', name: e.name };
    case 'leave': {
      if (e.name === undefined) return null;
      const reason = (LEAVE_REASONS.includes(e.reason ?? '') ? e.reason : 'quit') as LeaveReason;
      return { ...base, kind: 'leave', name: e.name, reason };
    }
    case 'announce':
      return e.text === undefined ? null : { ...base, kind: 'announce', text: e.text };
    case 'file':
      if (e.path === undefined || e.size === undefined) return null;
      return e.name === undefined ? { ...base, kind: 'file', path: e.path, size: e.size } : { ...base, kind: 'file', name: e.name, path: e.path, size: e.size };
    case 'message':
      return e.name === undefined || e.text === undefined ? null : { ...base, kind: 'message', name: e.name, text: e.text };
  }
}

/** `[2024-05-01 12:00 UTC] ` for clients without server-time, so old lines are not taken for new ones. */
function stamp(at: number): string {
  return `[${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC] `;
}

/**
 * The IRC lines for one stored event. Messages are PRIVMSGs from their author; joins and leaves
 * are server NOTICEs ("bob joined the room"), not JOIN/QUIT: a client applies a replayed JOIN or
 * QUIT to its nick list, which NAMES has just made current, and would end up listing people who
 * left or dropping people who are here. Announcements and file notices are NOTICEs, as live.
 */
export function historyLines(hub: IrcHub, e: StoredEvent, withStamp: boolean): string | null {
  const event = asRoomEvent(e);
  if (event === null) return null;
  const prefix = withStamp ? stamp(e.at) : '';
  if (event.kind === 'message') {
    const present = hub.room.find(event.name);
    const source = present && present.name === event.name ? hub.sourceOf(present) : `${event.name}!${event.name}@netroom`;
    const text = event.text.startsWith('/me ') ? `/me ${prefix}${event.text.slice(4)}` : prefix + event.text;
    return textLines(source, 'PRIVMSG', CHANNEL, text);
  }
  return textLines(hub.settings.serverName, 'NOTICE', CHANNEL, prefix + noticeText(hub.ctx.lang, event));
}

/** Replay the most recent `historySize` events to a client that just joined #lobby. */
export function replayHistory(hub: IrcHub, session: IrcSession): void {
  const store = hub.ctx.history;
  const limit = hub.settings.historySize;
  const member = session.member;
  if (!store || limit <= 0 || !member) return;
  let events: StoredEvent[];
  try {
    // One more than the limit: the client's own entering is among the newest and is left out.
    events = store.recent(limit + 1);
  } catch (err) {
    hub.log.warn({ err }, 'irc: history unavailable');
    return;
  }
  events = events.filter((e) => !(e.kind === 'join' && e.name === member.name && e.at >= member.since)).slice(-limit);
  for (const e of events) {
    const lines = historyLines(hub, e, !session.serverTime);
    if (lines !== null) session.sendRaw(Buffer.from(session.serverTime ? tagLines(lines, e.at) : lines, 'utf8'));
  }
}
