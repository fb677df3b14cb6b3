// Signing in on the FTP door: anonymous as a guest, accounts checked by the access core, the clear-text rule, bans.
import { signedIn, type Actor } from '../../core/access/roles.js';
import { isNetroomError } from '../../core/errors.js';
import type { RestrictionRecord } from '../../store/access.js';
import { passwordAllowed } from '../../core/access/plaintext.js';
import type { FtpSession } from './session.js';

/** `anonymous` and `ftp` (any case) are the conventional anonymous user names (RFC 1635). */
export function isAnonymousName(name: string): boolean {
  return /^(anonymous|ftp)$/iu.test(name);
}

/** Why an anonymous login is refused on this server (--guests off, --ftp-anonymous off), or null. */
export function anonymousRefusal(s: FtpSession): string | null {
  if (s.guests === 'off') return 'Anonymous login refused: this server is for accounts only (guests are off): log in with your account';
  if (s.options.anonymous === 'off') return 'Anonymous access is off on this server';
  return null;
}

/** Why an account's password may not be sent on this connection (clear text from another machine), or null. */
export function plaintextRefusal(s: FtpSession): string | null {
  const allowed = passwordAllowed({ address: s.remoteHost, tls: s.tlsContext !== null, allowPlaintext: s.ctx.allowPlaintextPasswords === true });
  if (allowed) return null;
  if (s.options.tls === null) {
    return 'Passwords in clear text are refused from another machine: use AUTH TLS (the server needs --tls-cert and --tls-key), or the administrator allows --allow-plaintext-passwords';
  }
  return 'Passwords in clear text are refused from another machine: use AUTH TLS first (lftp does by default; curl --ssl-reqd)';
}

/** PASS after USER anonymous: a guest called "anonymous", read-only unless --ftp-anonymous write and --guests on. */
export function signInAnonymous(s: FtpSession): void {
  const ban = banOn(s, s.actor);
  if (ban !== undefined) {
    s.user = null;
    s.anonymous = false;
    s.log.info({ ban: ban.id }, 'anonymous login refused: banned');
    return s.reply(530, `Login refused: ${bannedText(ban)}`);
  }
  s.loggedIn = true;
  s.log.debug('anonymous login');
  s.reply(230, s.canWrite ? 'Anonymous login ok' : 'Anonymous login ok: read-only access');
}

/**
 * PASS after USER NAME: the access core checks the password (a name that is no account costs the
 * same and gets the same 530, so replies never tell which names exist). Too many failures: 421
 * and the connection closes (the limit is per account and per address, in the core).
 */
export async function signIn(s: FtpSession, password: string): Promise<void> {
  const name = s.user ?? '';
  s.user = null; // a failed attempt starts over at USER
  const clear = plaintextRefusal(s);
  if (clear !== null) return s.reply(530, clear);
  const accounts = s.ctx.access?.accounts;
  if (accounts === undefined) return s.reply(530, 'Login incorrect');
  let info: { name: string; role: 'member' | 'admin' };
  try {
    info = await accounts.verify(name, password, s.remoteHost);
  } catch (err) {
    if (!isNetroomError(err)) throw err;
    s.log.info({ user: name.slice(0, 64), code: err.code }, 'ftp sign-in refused');
    // RFC 959 4.2: 421 closes the control connection, which a client will not mistake for a wrong password.
    if (err.code === 'RATE_LIMITED') return s.quit(421, `${capital(err.message)}: closing the control connection`);
    return s.reply(530, 'Login incorrect');
  }
  if (s.gone) return; // the client left while the password was being checked
  const actor = signedIn(info.name, info.role);
  const ban = actor.role === 'admin' ? undefined : banOn(s, actor);
  if (ban !== undefined) {
    s.log.info({ account: info.name, ban: ban.id }, 'ftp sign-in refused: banned');
    return s.reply(530, `Login refused: ${bannedText(ban)}`);
  }
  s.user = info.name;
  s.actor = actor;
  s.anonymous = false;
  s.loggedIn = true;
  s.log.info({ account: info.name, role: info.role }, 'ftp sign-in');
  s.reply(230, `Logged in as ${info.name} (${info.role})`);
}

/**
 * Before each command of a logged-in session: an account deleted or banned since it signed in (by
 * the CLI or a moderator) ends the session with 421 and the reason; a changed role applies at once.
 * False when the session was ended. Account look-ups are one indexed SQLite read; bans are in memory.
 */
export function stillAdmitted(s: FtpSession): boolean {
  const access = s.ctx.access;
  if (access === undefined || !s.loggedIn) return true;
  const account = s.actor.account;
  if (account !== undefined) {
    const info = access.accounts.find(account);
    if (info === undefined) {
      s.log.info({ account }, 'ftp session ended: account deleted');
      s.quit(421, 'Your account no longer exists: closing the control connection');
      return false;
    }
    if (info.role !== s.actor.role) s.actor = signedIn(info.name, info.role);
  }
  const ban = s.actor.role === 'admin' ? undefined : banOn(s, s.actor);
  if (ban !== undefined) {
    s.log.info({ name: s.actor.name, ban: ban.id }, 'ftp session ended: banned');
    s.quit(421, `${capital(bannedText(ban))}: closing the control connection`);
    return false;
  }
  return true;
}

/** A server-wide ban on this login (by account, name, address or mask), as the chat applies them. */
function banOn(s: FtpSession, actor: Actor): RestrictionRecord | undefined {
  const restrictions = s.ctx.access?.restrictions;
  if (restrictions === undefined) return undefined;
  return restrictions.find('ban', { name: actor.name, ...(actor.account === undefined ? {} : { account: actor.account }), address: s.remoteHost }, null);
}

function bannedText(ban: RestrictionRecord): string {
  const until = ban.until === null ? '' : ` until ${new Date(ban.until).toISOString()}`;
  return `you are banned from this server${until}${ban.reason === '' ? '' : `: ${ban.reason}`}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
