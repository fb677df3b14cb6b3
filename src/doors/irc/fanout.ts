// Room events -> IRC lines: each event is encoded once (plain and server-time variants) and queued for every recipient.
import { noticeText } from '../../core/i18n.js';
import type { LeaveReason, Member, RoomEvent, RoomListener } from '../../core/room.js';
import type { IrcHub } from './hub.js';
import { CHANNEL, EncodedLines, textLines } from './lines.js';

/** QUIT texts other IRC clients see, when the leaving member's door gave none of its own. */
export const LEAVE_TEXTS: Readonly<Record<LeaveReason, string>> = {
  quit: 'Quit',
  timeout: 'Ping timeout',
  disconnect: 'Connection closed',
  shutdown: 'Server shutting down',
};

/**
 * The door's room listener. Joins are JOIN #lobby, messages PRIVMSG #lobby (actions as CTCP
 * ACTION), leaves QUIT with the reason, announcements and file notices a NOTICE to #lobby from
 * the server (and a NOTICE to the nick for a registered client that has not joined: they are
 * for every member). The author of a join, message or leave does not get it back, except a
 * message for a client that enabled echo-message.
 */
export function roomListener(hub: IrcHub): RoomListener {
  const server = hub.settings.serverName;

  /** Queue `lines` for every session that sees #lobby, except `skip` (unless echo applies). */
  const toChannel = (lines: EncodedLines, skip: Member | undefined, echo: boolean): void => {
    const list = hub.joined;
    for (let i = 0; i < list.length; i++) {
      const session = list[i]!;
      if (session.member === skip && !(echo && session.echoMessage)) continue;
      session.sendRaw(session.serverTime ? lines.tagged : lines.plain);
    }
  };

  /** A server NOTICE for everyone in the room through this door, joined or not. */
  const noticeAll = (text: string, at: number): void => {
    const list = hub.joined;
    if (list.length > 0) toChannel(new EncodedLines(textLines(server, 'NOTICE', CHANNEL, text), at), undefined, false);
    for (const session of hub.sessions) {
      if (session.member && !session.joined && !session.closing) session.notice(text);
    }
  };

  return (event: RoomEvent): void => {
    switch (event.kind) {
      case 'message': {
        if (hub.joined.length === 0) return;
        const source = event.origin ? hub.sourceOf(event.origin) : `${event.name}!${event.name}@netroom`;
        toChannel(new EncodedLines(textLines(source, 'PRIVMSG', CHANNEL, event.text), event.at), event.origin, true);
        return;
      }
      case 'join': {
        if (hub.joined.length === 0 || !event.origin) return;
        const lines = new EncodedLines(`:${hub.sourceOf(event.origin)} JOIN ${CHANNEL}\r\n`, event.at);
        const list = hub.joined;
        for (let i = 0; i < list.length; i++) {
          const session = list[i]!;
          // A client changing its nick is still joined under the old one: it gets NICK, not this JOIN.
          if (hub.isEntering(session)) continue;
          session.sendRaw(session.serverTime ? lines.tagged : lines.plain);
        }
        return;
      }
      case 'leave': {
        if (hub.joined.length === 0 || !event.origin) return;
        const text = hub.quitTextOf(event.origin) ?? LEAVE_TEXTS[event.reason];
        toChannel(new EncodedLines(`:${hub.sourceOf(event.origin)} QUIT :${text}\r\n`, event.at), event.origin, false);
        return;
      }
      case 'announce':
      case 'file':
        noticeAll(noticeText(hub.ctx.lang, event), event.at);
        return;
      case 'closing':
        noticeAll(noticeText(hub.ctx.lang, event), event.at);
        hub.hangUpAll('Server shutting down');
        return;
    }
  };
}
