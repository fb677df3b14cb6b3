// Who may claim a name and speak: the guest policy, account names, server bans and mutes, as the chat asks them.
import type { Access } from '../access/access.js';
import type { Subject } from '../access/restrictions.js';
import { mayChat } from '../access/permissions.js';
import { NetroomError } from '../errors.js';
import { foldName } from '../names.js';
import type { RestrictionRecord } from '../../store/access.js';
import type { Who } from './types.js';

/** The guest policy, name reservation and server-wide bans, before `name` (folded: `key`) is claimed. */
export function admit(access: Access | undefined, name: string, key: string, who: Who): void {
  if (access === undefined) return;
  const role = who.role ?? 'guest';
  // `rooms` does not bear on entering: any policy does.
  if (!mayChat({ role, name }, 'enter', access.guests, 'open')) {
    throw new NetroomError('ACCOUNTS_ONLY', 'this server is for accounts only: sign in (guests are not allowed)');
  }
  const holder = access.accountHolding(key);
  if (holder !== undefined && (who.account === undefined || foldName(who.account) !== key)) {
    const as = holder === name ? '' : ` (as ${holder})`;
    throw new NetroomError('NAME_RESERVED', `the name ${name} belongs to an account${as}: sign in to use it`, { name, holder });
  }
  const ban = access.restrictions.find('ban', subjectOf({ name, ...who }), null);
  if (ban && role !== 'admin') throw bannedError(ban, null);
}

/** MUTED, saying where, until when and why. */
export function mutedError(mute: RestrictionRecord, roomName: string | null): NetroomError {
  const where = mute.room === null ? 'everywhere' : `in ${roomName ?? 'this room'}`;
  const until = mute.until === null ? '' : ` until ${new Date(mute.until).toISOString()}`;
  return new NetroomError('MUTED', `you are muted ${where}${until}${mute.reason === '' ? '' : `: ${mute.reason}`}`, { ...(roomName ? { room: roomName } : {}), reason: mute.reason });
}

/** BANNED, saying where, why and until when. */
export function bannedError(ban: RestrictionRecord, room: string | null): NetroomError {
  const where = room === null ? 'from this server' : `from ${room}`;
  const until = ban.until === null ? '' : ` until ${new Date(ban.until).toISOString()}`;
  return new NetroomError('BANNED', `you are banned ${where}${until}${ban.reason === '' ? '' : `: ${ban.reason}`}`, {
    ...(room === null ? {} : { room }),
    reason: ban.reason,
    ...(ban.until === null ? {} : { until: ban.until }),
  });
}

/** What restrictions are matched against, from a member or from what a door knows before one exists. */
export function subjectOf(who: { name: string; account?: string; address?: string; user?: string }): Subject {
  return {
    name: who.name,
    ...(who.account === undefined ? {} : { account: who.account }),
    ...(who.address === undefined ? {} : { address: who.address }),
    ...(who.user === undefined ? {} : { user: who.user }),
  };
}

/** A moderator's reason: one line, at most 300 characters (longer is cut, not refused: the act matters more). */
export function checkReason(reason: string): string {
  return typeof reason === 'string' ? [...reason.replace(/[\r\n]+/gu, ' ')].slice(0, 300).join('') : '';
}
