// A room's ban list over MODE: `+b mask` / `-b mask` through the core's Moderation (room-scoped bans), `+b` alone lists them (367/368).
import type { RestrictionKind, RestrictionRecord } from '../../../store/access.js';
import { NetroomError, isNetroomError } from '../../../core/errors.js';
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { moderatorOf } from './moderator.js';
import { unixSeconds } from './shared.js';

/** The account extban most servers share: `$a:NAME` bans an account, whatever nick it uses. */
const ACCOUNT_PREFIX = '$a:';

/** IRC's mask completion, as the core stores masks: `nick` -> `nick!*@*`, `user@host` -> `*!user@host`. */
function completeMask(mask: string): string {
  if (mask.includes('!')) return mask.includes('@') ? mask : `${mask}@*`;
  if (mask.includes('@')) return `*!${mask}`;
  return `${mask}!*@*`;
}

/** What a MODE +b argument bans: an account (`$a:NAME`) or a `nick!user@host` mask. */
function banOf(arg: string): { kind: RestrictionKind; value: string } {
  return arg.startsWith(ACCOUNT_PREFIX) ? { kind: 'account', value: arg.slice(ACCOUNT_PREFIX.length) } : { kind: 'mask', value: completeMask(arg) };
}

/** A ban as a ban-list entry, whatever door or command made it. */
function maskOf(record: RestrictionRecord): string {
  switch (record.kind) {
    case 'mask':
      return record.shown;
    case 'account':
      return ACCOUNT_PREFIX + record.shown;
    case 'name':
      return `${record.shown}!*@*`;
    case 'address':
      return `*!*@${record.shown}`;
  }
}

/** 367 per ban of `room` in force, then 368 (RFC 2812 3.2.3; modern: setter and time). */
export function sendBanList(hub: IrcHub, session: IrcSession, room: string): void {
  const key = hub.chat.roomKeyOf(room);
  const bans = key === undefined ? [] : (hub.ctx.access?.restrictions.list({ type: 'ban', room: key }) ?? []);
  for (const ban of bans) session.reply(RPL.BANLIST, room, maskOf(ban), ban.by, unixSeconds(ban.createdAt));
  session.reply(RPL.ENDOFBANLIST, room, 'End of channel ban list');
}

/** `+b arg` or `-b arg` on `room`: the room hears `MODE +b` from the fan-out (the core's moderation event). */
export function changeBan(hub: IrcHub, session: IrcSession, room: string, on: boolean, arg: string): void {
  const member = session.member;
  if (!member) return;
  const { kind, value } = banOf(arg);
  try {
    const moderation = hub.ctx.moderation;
    if (!moderation) throw new NetroomError('BAD_REQUEST', 'bans need the access store');
    if (on) {
      const key = hub.chat.roomKeyOf(room);
      const existing = hub.ctx.access?.restrictions.list({ type: 'ban', room: key ?? null }) ?? [];
      // Setting a ban that is already there changes nothing (and says nothing), as on other servers.
      if (kind === 'mask' && existing.some((r) => r.kind === 'mask' && r.value === value)) return;
      moderation.restrict(moderatorOf(member), { type: 'ban', kind, value, room });
    } else {
      moderation.lift(moderatorOf(member), 'ban', kind, value, room);
    }
  } catch (err) {
    // Lifting a ban that is not there: nothing to do, nothing to say.
    if (!on && isNetroomError(err) && err.code === 'NOT_FOUND') return;
    replyError(hub, session, err, { channel: room, verb: 'BAN' });
  }
}
