// Server-wide bans for operators (Ergo's and hybrid's forms): KLINE/UNKLINE on nick!user@host masks, DLINE/UNDLINE on addresses.
import type { RestrictionKind } from '../../../store/access.js';
import { NetroomError } from '../../../core/errors.js';
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import type { IrcSession } from '../session.js';
import type { IrcMessage } from '../codec.js';
import { moderatorOf, parseDuration } from './moderator.js';
import { command } from './types.js';

/** Words Ergo's KLINE takes before the mask; netroom's bans always remove whoever they match, so they change nothing. */
const NOISE = new Set(['ANDKILL', 'MYSELF']);

/** `[ANDKILL] [MYSELF] [duration] mask [reason]`: what to ban, for how long (null: for ever), and why. */
function parseBan(params: readonly string[]): { mask: string; durationMs: number | null; reason: string } | null {
  const words = [...params];
  while (words.length > 0 && NOISE.has((words[0] ?? '').toUpperCase())) words.shift();
  let durationMs: number | null = null;
  if (words.length > 1) {
    const duration = parseDuration(words[0] ?? '');
    if (duration !== null) {
      durationMs = duration;
      words.shift();
    }
  }
  const mask = words.shift();
  if (mask === undefined || mask === '') return null;
  // Ergo allows `ON server` after the mask; one server here.
  if ((words[0] ?? '').toUpperCase() === 'ON') words.splice(0, 2);
  // Ergo's `reason | oper reason`: the part before the bar is what the banned are told.
  const reason = words.join(' ').split('|')[0]?.trim() ?? '';
  return { mask, durationMs, reason };
}

function ban(hub: IrcHub, session: IrcSession, message: IrcMessage, kind: RestrictionKind): void {
  const member = session.member;
  if (!member) return;
  const verb = message.command;
  const parsed = parseBan(message.params);
  try {
    const moderation = hub.ctx.moderation;
    if (!moderation) throw new NetroomError('PERMISSION_DENIED', 'this server has no moderation');
    if (parsed === null) throw new NetroomError('BAD_REQUEST', `${verb} [duration] ${kind === 'mask' ? 'nick!user@host' : 'address[/prefix]'} [:reason]`);
    const record = moderation.restrict(moderatorOf(member), {
      type: 'ban',
      kind,
      value: parsed.mask,
      room: null,
      reason: parsed.reason,
      durationMs: parsed.durationMs,
    });
    const until = record.until === null ? 'for ever' : `until ${new Date(record.until).toISOString()}`;
    session.notice(`${verb}: ${record.shown} is banned from the server ${until}${record.reason === '' ? '' : ` (${record.reason})`}`);
  } catch (err) {
    replyError(hub, session, err, { verb });
  }
}

function unban(hub: IrcHub, session: IrcSession, message: IrcMessage, kind: RestrictionKind): void {
  const member = session.member;
  if (!member) return;
  const verb = message.command;
  const mask = message.params[0] ?? '';
  try {
    const moderation = hub.ctx.moderation;
    if (!moderation) throw new NetroomError('PERMISSION_DENIED', 'this server has no moderation');
    const gone = moderation.lift(moderatorOf(member), 'ban', kind, mask, null);
    session.notice(`${verb}: ${gone[0]?.shown ?? mask} is no longer banned from the server`);
  } catch (err) {
    replyError(hub, session, err, { verb });
  }
}

export const KLINE = command((hub, session, message) => ban(hub, session, message, 'mask'), { minParams: 1 });
export const UNKLINE = command((hub, session, message) => unban(hub, session, message, 'mask'), { minParams: 1 });
export const DLINE = command((hub, session, message) => ban(hub, session, message, 'address'), { minParams: 1 });
export const UNDLINE = command((hub, session, message) => unban(hub, session, message, 'address'), { minParams: 1 });
