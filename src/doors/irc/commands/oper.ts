// OPER: `OPER admin TOKEN` (the admin token, constant-time compare) or `OPER NAME PASSWORD` of an admin account makes this client an operator.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IrcHub } from '../hub.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { plaintextRefusal, verifyPassword } from '../sign-in.js';
import { command } from './types.js';

/** Wrong tokens or passwords allowed per connection before OPER is refused outright. */
const MAX_FAILURES = 3;

/** Compare digests, not the strings: equal lengths for timingSafeEqual, and no early exit on length. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function refused(hub: IrcHub, session: IrcSession, reason = 'Password incorrect'): void {
  session.operFailures += 1;
  hub.log.warn({ peer: session.peer, name: session.member?.name, failures: session.operFailures }, 'irc OPER refused');
  session.reply(ERR.PASSWDMISMATCH, reason);
}

/** Operator from now on: an administrator of the chat (op in every room, may announce, kill and ban server-wide). */
function becomeOper(hub: IrcHub, session: IrcSession, how: string): void {
  session.oper = true;
  if (session.member) hub.chat.makeAdmin(session.member);
  hub.log.info({ peer: session.peer, name: session.member?.name, how }, 'irc OPER: administrator');
  session.reply(RPL.YOUREOPER, 'You are now an IRC operator');
  session.send(`:${session.source} MODE ${session.target} :+o`);
  session.notice('WALLOPS text, or NOTICE $* :text, is now an announcement to everyone connected; you are an operator of every room (KICK, MODE +b, KILL, KLINE)');
}

export const OPER = command(
  (hub, session, message) => {
    const [name = '', secret = ''] = message.params;
    const expected = hub.settings.adminToken;
    if (session.oper) {
      session.reply(RPL.YOUREOPER, 'You are now an IRC operator');
      return;
    }
    const accounts = hub.ctx.access?.accounts;
    if ((expected === '' && accounts === undefined) || session.operFailures >= MAX_FAILURES) {
      session.reply(ERR.NOOPERHOST, 'No O-lines for your host');
      return;
    }
    // Evaluated whatever the name, so a wrong name costs the same time as a wrong token.
    const tokenOk = expected !== '' && sameToken(secret, expected);
    if (name === 'admin' && tokenOk) {
      becomeOper(hub, session, 'admin token');
      return;
    }
    if (accounts === undefined) {
      refused(hub, session);
      return;
    }
    const refusal = plaintextRefusal(hub, session);
    if (refusal !== null) {
      session.reply(ERR.PASSWDMISMATCH, `Password incorrect: ${refusal}`);
      return;
    }
    // An administrator account's name and password (scrypt, rate-limited like every sign-in).
    verifyPassword(hub, session, name, secret, (result) => {
      if (!result.ok) refused(hub, session, result.code === 'RATE_LIMITED' ? `Password incorrect: ${result.reason}` : 'Password incorrect');
      else if (result.account.role !== 'admin') session.reply(ERR.NOOPERHOST, `No O-lines for your host: ${result.account.name} is not an administrator account`);
      else becomeOper(hub, session, `account ${result.account.name}`);
    });
  },
  { minParams: 2 },
);
