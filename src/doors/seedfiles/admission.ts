// Who the seed file door lets in: guests only (the protocol has no sign-in), so --guests off and address bans refuse.
import type { Access } from '../../core/access/access.js';
import { NetroomError } from '../../core/errors.js';

/**
 * Why a client at `address` may not use the door, or null. Under --guests off every command is
 * refused (ACCOUNTS_ONLY: the seed protocol cannot sign in); an address under a server-wide ban
 * (by address, prefix or mask) gets BANNED with the reason. Without an access store: null.
 */
export function admissionError(access: Access | undefined, address: string | undefined): NetroomError | null {
  if (access === undefined) return null;
  if (access.guests === 'off') {
    return new NetroomError(
      'ACCOUNTS_ONLY',
      'this server is for accounts only (guests are off) and the seed file door has no sign-in: use the web page, FTP or `netroom files` with an account',
    );
  }
  const ban = address === undefined ? undefined : access.restrictions.find('ban', { name: '', address }, null);
  if (ban === undefined) return null;
  const until = ban.until === null ? '' : ` until ${new Date(ban.until).toISOString()}`;
  return new NetroomError('BANNED', `you are banned from this server${until}${ban.reason === '' ? '' : `: ${ban.reason}`}`, { reason: ban.reason });
}
