// REDACT <target> <msgid> [:reason] (IRCv3 draft/message-redaction): chat.deleteMessage, refusals as FAIL REDACT.
import { isNetroomError } from '../../../core/errors.js';
import { errorText } from '../../../core/i18n.js';
import { checkName, foldName } from '../../../core/names.js';
import { roomKey } from '../../../core/chat/room-key.js';
import type { Member } from '../../../core/chat/types.js';
import { replyError, replyFail } from '../errors.js';
import type { IrcHub } from '../hub.js';
import type { IrcSession } from '../session.js';
import { command } from './types.js';

/** A msgid this door hands out: a history id, digits only. */
const MSGID = /^[1-9][0-9]{0,15}$/u;

/**
 * True when `target` may hold messages this client deletes: a room it is in (administrators: any
 * room there is), or a nick (a conversation; the other side may have left since).
 */
function validTarget(hub: IrcHub, member: Member, target: string): boolean {
  if (target.startsWith('#')) {
    if (hub.chat.room(target) === undefined) return false;
    return hub.chat.standing(target, member) !== undefined || hub.chat.isAdmin(member);
  }
  try {
    checkName(target);
    return true;
  } catch {
    return false;
  }
}

/** True when the stored message is in `target`: its room, or a conversation with `target` as one side. */
function inTarget(found: { readonly room?: string; readonly name?: string; readonly to?: string }, target: string): boolean {
  if (target.startsWith('#')) return found.room !== undefined && roomKey(found.room) === roomKey(target);
  const key = foldName(target);
  return found.room === undefined && ((found.name !== undefined && foldName(found.name) === key) || (found.to !== undefined && foldName(found.to) === key));
}

function unknown(hub: IrcHub, session: IrcSession, target: string, msgid: string): void {
  replyFail(hub, session, 'REDACT', 'UNKNOWN_MSGID', [target, msgid], 'This message does not exist or is too old');
}

/**
 * Delete message `id` as `member`, once the store says it is in `target`. The chat decides who
 * may (the author, the room's operators, administrators); the delete event it raises is what
 * every client hears, the REDACT echo to this one included (see edits.ts).
 */
async function redact(hub: IrcHub, session: IrcSession, member: Member, target: string, msgid: string, reason: string): Promise<void> {
  const id = Number(msgid);
  const store = hub.ctx.history;
  // The message must be where the client says (the spec: a REDACT names a message of its target).
  // A message elsewhere, or one the client cannot read, is unknown: its existence is not told.
  const found = store === undefined ? undefined : await store.get(id).catch(() => undefined);
  if (found !== undefined && !inTarget(found, target)) {
    session.respond(() => unknown(hub, session, target, msgid));
    return;
  }
  if (reason !== '') hub.redactReasons.set(id, member, reason);
  try {
    await hub.chat.deleteMessage(member, id);
  } catch (err) {
    session.respond(() => {
      if (!isNetroomError(err)) return replyError(hub, session, err);
      if (err.code === 'NOT_FOUND') return unknown(hub, session, target, msgid);
      if (err.code === 'PERMISSION_DENIED') return replyFail(hub, session, 'REDACT', 'REDACT_FORBIDDEN', [target, msgid], 'You are not authorised to delete this message');
      // Flood control and the like: the chat's own code and words, in the same form.
      return replyFail(hub, session, 'REDACT', err.code, [target, msgid], errorText(hub.ctx.lang, err));
    });
  } finally {
    hub.redactReasons.clear(id, member);
  }
}

export const REDACT = command(
  (hub, session, message) => {
    const member = session.member;
    if (!member) return undefined;
    const [target = '', msgid = '', reason = ''] = message.params;
    if (!validTarget(hub, member, target)) {
      replyFail(hub, session, 'REDACT', 'INVALID_TARGET', [target], `You cannot delete messages from ${target}`);
      return undefined;
    }
    if (!MSGID.test(msgid) || !Number.isSafeInteger(Number(msgid))) {
      unknown(hub, session, target, msgid);
      return undefined;
    }
    return redact(hub, session, member, target, msgid, reason);
  },
  { minParams: 2 },
);
