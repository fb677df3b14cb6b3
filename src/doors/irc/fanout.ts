// Chat events -> IRC lines: each event is encoded once per door and queued for this door's members in its audience.
import { noticeText } from '../../core/i18n.js';
import type { ChatEvent, ChatListener, LeaveReason, Member } from '../../core/chat/types.js';
import { utf8Boundary } from '../../core/utf8.js';
import { MAX_BODY_BYTES, serialize } from './codec.js';
import { noteHeard } from './awaited.js';
import { editListener } from './edits.js';
import { EventLines } from './encoded.js';
import type { IrcHub } from './hub.js';
import { hostOf, textLines } from './lines.js';
import type { IrcSession } from './session.js';

/** QUIT texts other IRC clients see, when the leaving member's door gave none of its own. */
export const LEAVE_TEXTS: Readonly<Record<LeaveReason, string>> = {
  quit: 'Quit',
  timeout: 'Ping timeout',
  disconnect: 'Connection closed',
  shutdown: 'Server shutting down',
  kicked: 'Removed by a moderator',
  banned: 'Banned',
};

/**
 * The door's chat listener. Every event carries its audience (fixed by the core); the door
 * encodes the event once and queues the shared buffer for each audience member that came through
 * it. Room events go to the room's members (the author included for JOIN/PART/TOPIC/MODE, which
 * IRC echoes; for PRIVMSG/NOTICE only with echo-message); a quit or rename once to everyone who
 * shared a room; direct messages to the addressee (and the author with echo-message).
 */
export function chatListener(hub: IrcHub): ChatListener {
  const server = hub.settings.serverName;
  const sessions = hub.byMember;

  /**
   * This door's session of each member of `audience` (undefined for other doors'), index for index.
   * A room's member list is copied when it changes, so one array always holds the same members:
   * its sessions are looked up once and kept until this door's sessions change (sessionEpoch).
   */
  const recipients = new WeakMap<readonly Member[], { epoch: number; sessions: (IrcSession | undefined)[] }>();
  const sessionsOf = (audience: readonly Member[]): (IrcSession | undefined)[] => {
    let known = recipients.get(audience);
    if (known === undefined || known.epoch !== hub.sessionEpoch) {
      const list = new Array<IrcSession | undefined>(audience.length);
      for (let i = 0; i < audience.length; i++) list[i] = sessions.get(audience[i]!);
      known = { epoch: hub.sessionEpoch, sessions: list };
      recipients.set(audience, known);
    }
    return known.sessions;
  };

  /** Queue `lines` for this door's members in `audience`, except `skip` (unless it asked for echo-message). */
  const deliver = (audience: readonly Member[], lines: EventLines, skip: Member | undefined, echo: boolean): void => {
    // A room's events: its cached sessions. A direct message's audience is a fresh pair: looked up.
    const list = audience.length > 2 ? sessionsOf(audience) : undefined;
    for (let i = 0; i < audience.length; i++) {
      const session = list === undefined ? sessions.get(audience[i]!) : list[i];
      if (session === undefined) continue;
      if (audience[i] === skip && !(echo && session.echoMessage)) continue;
      const mode = session.tagMode;
      session.sendRaw(mode === 0 ? lines.plain : mode === 1 ? lines.tagged : lines.forMode(mode));
    }
  };

  /** Like deliver, only to sessions that pass `want`. */
  const deliverIf = (audience: readonly Member[], lines: EventLines, skip: Member | undefined, want: (s: IrcSession) => boolean): void => {
    for (const member of audience) {
      const session = sessions.get(member);
      if (session === undefined || member === skip || !want(session)) continue;
      session.sendRaw(lines.forMode(session.tagMode));
    }
  };

  const msgidOf = (event: ChatEvent): string | undefined => {
    const stored = hub.ctx.history?.storedOf(event);
    return stored ? String(stored.id) : undefined;
  };

  const edits = editListener(hub);

  const sourceOf = (event: ChatEvent, name: string | undefined): string =>
    event.origin ? hub.sourceOf(event.origin) : name === undefined ? server : `${name}!${name}@netroom`;

  return (event: ChatEvent): void => {
    if (hub.awaiting.size > 0) noteHeard(hub, event);
    switch (event.kind) {
      case 'message': {
        const source = sourceOf(event, event.name);
        const verb = event.notice ? 'NOTICE' : 'PRIVMSG';
        const text = event.origin?.door === 'irc' ? fitIrcText(source, verb, event.room, event.text) : event.text;
        const lines = new EventLines(textLines(source, verb, event.room, text), event.at, msgidOf(event), event.origin?.account);
        deliver(event.audience, lines, event.origin, true);
        return;
      }
      case 'dm': {
        const source = sourceOf(event, event.name);
        const verb = event.notice ? 'NOTICE' : 'PRIVMSG';
        const text = event.origin?.door === 'irc' ? fitIrcText(source, verb, event.to, event.text) : event.text;
        const lines = new EventLines(textLines(source, verb, event.to, text), event.at, msgidOf(event), event.origin?.account);
        if (event.audience.length === 1) {
          // To oneself: once as the message received, and once more as the echo with echo-message.
          // The echo is the command's response (labelled); the received copy is not.
          const self = sessions.get(event.audience[0]!);
          if (self === undefined) return;
          if (self.echoMessage) self.writer.push(lines.forMode(self.tagMode));
          self.sendRaw(lines.forMode(self.tagMode));
          return;
        }
        deliver(event.audience, lines, event.origin, true);
        return;
      }
      case 'join': {
        const origin = event.origin;
        if (!origin) return;
        const source = hub.sourceOf(origin);
        const account = origin.account;
        const plain = new EventLines(`:${source} JOIN ${event.room}\r\n`, event.at, undefined, account);
        let extended: EventLines | undefined;
        for (const member of event.audience) {
          const session = sessions.get(member);
          if (session === undefined) continue;
          let lines = plain;
          if (session.extendedJoin) {
            // IRCv3 extended-join: the account (`*` for a guest) and the real name.
            const params = [event.room, account ?? '*', hub.identityOf(origin).realname || origin.name];
            extended ??= new EventLines(serialize({ source, command: 'JOIN', params }) + '\r\n', event.at, undefined, account);
            lines = extended;
          }
          session.sendRaw(lines.forMode(session.tagMode));
        }
        const away = hub.chat.awayOf(origin);
        if (away !== null) {
          deliverIf(event.audience, new EventLines(serialize({ source, command: 'AWAY', params: [away] }) + '\r\n', event.at, undefined, account), origin, (s) => s.awayNotify);
        }
        return;
      }
      case 'part': {
        if (!event.origin) return;
        const params = event.text === undefined || event.text === '' ? [event.room] : [event.room, event.text];
        deliver(event.audience, new EventLines(serialize({ source: hub.sourceOf(event.origin), command: 'PART', params }) + '\r\n', event.at, undefined, event.origin.account), undefined, false);
        return;
      }
      case 'quit': {
        if (!event.origin) return;
        const source = hub.sourceOf(event.origin);
        remember(hub, event.origin, event.name, event.at);
        const text = event.text ?? LEAVE_TEXTS[event.reason];
        deliver(event.audience, new EventLines(serialize({ source, command: 'QUIT', params: [text] }) + '\r\n', event.at, undefined, event.origin.account), event.origin, false);
        if (event.reason === 'kicked' || event.reason === 'banned') {
          // Removed by a moderator: the one removed is in the audience, and its connection ends here.
          const removed = sessions.get(event.origin);
          if (removed !== undefined) hub.evict(removed, text);
        }
        return;
      }
      case 'rename': {
        const origin = event.origin;
        if (!origin) return;
        const session = sessions.get(origin);
        const oldSource = session ? session.source : `${event.name}!${event.name}@${hostOf(origin.door)}`;
        remember(hub, origin, event.name, event.at);
        hub.renamed(origin);
        deliver(event.audience, new EventLines(`:${oldSource} NICK :${event.to}\r\n`, event.at, undefined, origin.account), undefined, false);
        return;
      }
      case 'away': {
        if (!event.origin) return;
        const params = event.text === null ? [] : [event.text];
        deliverIf(event.audience, new EventLines(serialize({ source: hub.sourceOf(event.origin), command: 'AWAY', params }) + '\r\n', event.at, undefined, event.origin.account), event.origin, (s) => s.awayNotify);
        return;
      }
      case 'topic': {
        const line = serialize({ source: sourceOf(event, event.name), command: 'TOPIC', params: [event.room, event.topic] });
        deliver(event.audience, new EventLines(line + '\r\n', event.at, undefined, event.origin?.account), undefined, false);
        return;
      }
      case 'mode': {
        const line = serialize({ source: sourceOf(event, event.name), command: 'MODE', params: [event.room, event.change, ...event.args] });
        deliver(event.audience, new EventLines(line + '\r\n', event.at, undefined, event.origin?.account), undefined, false);
        return;
      }
      case 'invite': {
        const to = hub.chat.find(event.to);
        const lines = new EventLines(serialize({ source: sourceOf(event, event.name), command: 'INVITE', params: [event.to, event.room] }) + '\r\n', event.at, undefined, event.origin?.account);
        // The one invited always hears it; the room's operators only with invite-notify (IRCv3).
        deliverIf(event.audience, lines, event.origin, (s) => s.member === to || s.inviteNotify);
        return;
      }
      case 'kick': {
        // RFC 2812 3.2.8: without a comment, the kicker's nick is the default one.
        const by = event.origin ?? hub.chat.find(event.name);
        const source = by ? hub.sourceOf(by) : sourceOf(event, event.name);
        const line = serialize({ source, command: 'KICK', params: [event.room, event.target, event.text === '' ? event.name : event.text] });
        deliver(event.audience, new EventLines(line + '\r\n', event.at, undefined, by?.account), undefined, false);
        return;
      }
      case 'moderation': {
        const by = hub.chat.find(event.name);
        if (event.scope !== null && (event.action === 'ban' || event.action === 'unban') && event.target.includes('!')) {
          // A room's mask ban is IRC's own +b: the room sees the mode change, as on any server.
          const source = by ? hub.sourceOf(by) : sourceOf(event, event.name);
          const line = serialize({ source, command: 'MODE', params: [event.room, event.action === 'ban' ? '+b' : '-b', event.target] });
          deliver(event.audience, new EventLines(line + '\r\n', event.at, undefined, by?.account), undefined, false);
          return;
        }
        const text = noticeText(hub.ctx.lang, event);
        deliver(event.audience, new EventLines(textLines(server, 'NOTICE', event.room, text), event.at, undefined), undefined, false);
        return;
      }
      case 'file': {
        const text = noticeText(hub.ctx.lang, event);
        deliver(event.audience, new EventLines(textLines(server, 'NOTICE', event.room, text), event.at, undefined), undefined, false);
        return;
      }
      case 'edit':
      case 'delete':
      case 'typing':
        edits(event);
        return;
      case 'announce':
        noticeEach(hub, event.audience, noticeText(hub.ctx.lang, event));
        return;
      case 'closing':
        noticeEach(hub, event.audience, noticeText(hub.ctx.lang, event));
        hub.hangUpAll('Server shutting down');
        return;
    }
  };
}

/**
 * A one-line message from an IRC client, cut to fit the relayed line (512 bytes, RFC 2812 2.3)
 * as IRC servers do: it fitted when sent, and the source the server adds made it longer.
 * Longer texts from other doors (up to 2000 characters, several lines) are split instead.
 */
function fitIrcText(source: string, verb: string, target: string, text: string): string {
  const headLength = source.length + verb.length + target.length + 5;
  if ((headLength + text.length) * 3 <= MAX_BODY_BYTES || text.includes('\n')) return text;
  // A "/me " action goes out as \x01ACTION ...\x01: five bytes longer.
  const room = MAX_BODY_BYTES - Buffer.byteLength(`:${source} ${verb} ${target} :`) - (text.startsWith('/me ') ? 5 : 0);
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= room ? text : buf.toString('utf8', 0, utf8Boundary(buf, 0, room));
}

/** A server NOTICE to each of this door's members in `audience`, addressed to their nicks (announcements are rare). */
function noticeEach(hub: IrcHub, audience: readonly Member[], text: string): void {
  for (const member of audience) {
    const session = hub.byMember.get(member);
    if (session && !session.closing) session.notice(text);
  }
}

/** Keep a departing nick for WHOWAS. */
function remember(hub: IrcHub, member: Member, nick: string, at: number): void {
  const { user, realname } = hub.identityOf(member);
  hub.whowas.add({ nick, user: member.door === 'irc' ? user : nick, host: hostOf(member.door), realname, at });
}
