// OPER admin TOKEN: the admin token (constant-time compare) makes this client an administrator (op in every room, may announce).
import { createHash, timingSafeEqual } from 'node:crypto';
import { ERR, RPL } from '../numerics.js';
import { command } from './types.js';

/** Wrong tokens allowed per connection before OPER is refused outright. */
const MAX_FAILURES = 3;

/** Compare digests, not the strings: equal lengths for timingSafeEqual, and no early exit on length. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export const OPER = command(
  (hub, session, message) => {
    const [name = '', token = ''] = message.params;
    const expected = hub.settings.adminToken;
    if (session.oper) {
      session.reply(RPL.YOUREOPER, 'You are now an IRC operator');
      return;
    }
    if (expected === '' || session.operFailures >= MAX_FAILURES) {
      session.reply(ERR.NOOPERHOST, 'No O-lines for your host');
      return;
    }
    // Evaluate both, so a wrong name costs the same time as a wrong token.
    const tokenOk = sameToken(token, expected);
    if (name !== 'admin' || !tokenOk) {
      session.operFailures += 1;
      hub.log.warn({ peer: session.peer, name: session.member?.name, failures: session.operFailures }, 'irc OPER refused');
      session.reply(ERR.PASSWDMISMATCH, 'Password incorrect');
      return;
    }
    session.oper = true;
    if (session.member) hub.chat.makeAdmin(session.member);
    hub.log.info({ peer: session.peer, name: session.member?.name }, 'irc OPER: administrator');
    session.reply(RPL.YOUREOPER, 'You are now an IRC operator');
    session.send(`:${session.source} MODE ${session.target} :+o`);
    session.notice('WALLOPS text, or NOTICE $* :text, is now an announcement to everyone connected; you are an operator of every room');
  },
  { minParams: 2 },
);
