// Edits, deletions and typing as IRC lines: REDACT (draft/message-redaction) or a server NOTICE, NOTICE for edits, TAGMSG +typing.
import type { ChatEvent, Member } from '../../core/chat/types.js';
import type { Lang } from '../../core/i18n.js';
import { spokenText } from '../../core/i18n.js';
import { foldName } from '../../core/names.js';
import { serialize } from './codec.js';
import { EventLines } from './encoded.js';
import type { IrcHub } from './hub.js';
import { textLines } from './lines.js';

type EditEvent = Extract<ChatEvent, { kind: 'edit' }>;
type DeleteEvent = Extract<ChatEvent, { kind: 'delete' }>;
type TypingEvent = Extract<ChatEvent, { kind: 'typing' }>;

/**
 * The IRC target of an edit or delete: the room, or for a direct message the other side as seen
 * by the one who acted, as IRC addresses a PRIVMSG (`:alice REDACT bob 42` reaches both alice and
 * bob; Ergo and irctest's draft/message-redaction tests do the same). One line for everyone.
 */
export function targetOf(event: EditEvent | DeleteEvent): string {
  if (event.room !== undefined) return event.room;
  const to = event.to ?? event.author;
  return foldName(event.name) === foldName(event.author) ? to : event.author;
}

/** The server NOTICE clients without draft/message-redaction get: `* bob deleted a message by alice`. */
export function deleteNotice(lang: Lang, event: DeleteEvent): string {
  return lang === 'zh' ? `* ${event.name} 删除了 ${event.author} 的一条消息` : `* ${event.name} deleted a message by ${event.author}`;
}

/**
 * The server NOTICE every client gets for an edit (IRC has no way to change a line once shown):
 * `* alice edited a message: new text`; further lines of the text after `alice | `, so none
 * passes for another notice.
 */
export function editNotice(lang: Lang, event: EditEvent): string {
  return spokenText(lang === 'zh' ? `* ${event.name} 修改了消息: ` : `* ${event.name} edited a message: `, event.name, event.text);
}

/**
 * A REDACT's reason, kept while the chat carries the deletion out (the chat's delete event has no
 * reason: other doors do not show one), so the REDACT lines of this door can repeat it.
 */
export class RedactReasons {
  private readonly byId = new Map<number, { readonly member: Member; readonly reason: string }>();

  set(id: number, member: Member, reason: string): void {
    this.byId.set(id, { member, reason });
  }

  clear(id: number, member: Member): void {
    if (this.byId.get(id)?.member === member) this.byId.delete(id);
  }

  /** The reason `member` gave for deleting `id`, if this door's REDACT is what deleted it. */
  of(id: number, member: Member | undefined): string | undefined {
    const kept = this.byId.get(id);
    return kept !== undefined && kept.member === member ? kept.reason : undefined;
  }
}

/** The fan-out of edit, delete and typing events (fanout.ts hands them here). */
export function editListener(hub: IrcHub): (event: EditEvent | DeleteEvent | TypingEvent) => void {
  const server = hub.settings.serverName;
  const sourceOf = (event: ChatEvent & { name: string }): string => (event.origin ? hub.sourceOf(event.origin) : `${event.name}!${event.name}@netroom`);

  const onDelete = (event: DeleteEvent): void => {
    const target = targetOf(event);
    const msgid = String(event.target);
    const reason = hub.redactReasons.of(event.target, event.origin);
    const params = reason === undefined || reason === '' ? [target, msgid] : [target, msgid, reason];
    const account = event.origin?.account;
    let redact: EventLines | undefined;
    let notice: EventLines | undefined;
    for (const member of event.audience) {
      const session = hub.byMember.get(member);
      if (session === undefined || session.closing) continue;
      // IRCv3 draft/message-redaction: REDACT to those who asked for it; the spec leaves the
      // fallback to the server: a NOTICE saying who deleted whose message.
      if (session.redaction) {
        redact ??= new EventLines(serialize({ source: sourceOf(event), command: 'REDACT', params }) + '\r\n', event.at, undefined, account);
        session.sendRaw(redact.forMode(session.tagMode));
      } else {
        notice ??= new EventLines(textLines(server, 'NOTICE', target, deleteNotice(hub.ctx.lang, event)), event.at, undefined);
        session.sendRaw(notice.forMode(session.tagMode));
      }
    }
  };

  const onEdit = (event: EditEvent): void => {
    // +draft/reply names the edited message, for clients that can show what a line refers to.
    const lines = new EventLines(textLines(server, 'NOTICE', targetOf(event), editNotice(hub.ctx.lang, event)), event.at, undefined, undefined, `+draft/reply=${event.target}`);
    for (const member of event.audience) {
      const session = hub.byMember.get(member);
      if (session !== undefined && !session.closing) session.sendRaw(lines.forMode(session.tagMode));
    }
  };

  const onTyping = (event: TypingEvent): void => {
    // IRCv3 typing client tag: a TAGMSG, which only message-tags clients may be sent.
    const target = event.room ?? event.to;
    if (target === undefined) return;
    let lines: EventLines | undefined;
    for (const member of event.audience) {
      const session = hub.byMember.get(member);
      if (session === undefined || session.closing || !session.messageTags) continue;
      lines ??= typingLines(sourceOf(event), target, event.state, event.at, event.origin?.account);
      session.sendRaw(lines.forMode(session.tagMode));
    }
  };

  return (event) => {
    if (event.kind === 'delete') onDelete(event);
    else if (event.kind === 'edit') onEdit(event);
    else onTyping(event);
  };
}

/** `@+typing=STATE :source TAGMSG target`, with server-time and account as the recipient negotiated. */
export function typingLines(source: string, target: string, state: string, at: number, account: string | undefined): EventLines {
  return new EventLines(`:${source} TAGMSG ${target}\r\n`, at, undefined, account, `+typing=${state}`);
}
