// Signing in over IRC: checking a password against the accounts (SASL PLAIN, PASS, OPER) while the client's later lines wait.
import type { AccountInfo } from '../../core/access/accounts.js';
import { passwordAllowed } from '../../core/access/plaintext.js';
import { isNetroomError } from '../../core/errors.js';
import type { IrcHub } from './hub.js';
import { ERR } from './numerics.js';
import type { IrcSession } from './session.js';

/** The outcome of a password check: the account, or why not (a sentence for the client). */
export type SignInResult = { readonly ok: true; readonly account: AccountInfo } | { readonly ok: false; readonly code: string; readonly reason: string };

/**
 * Why a password may not be sent over this connection, or null when it may: TLS (the ircs port)
 * and loopback are fine, a plain connection from elsewhere only with --allow-plaintext-passwords.
 */
export function plaintextRefusal(hub: IrcHub, session: IrcSession): string | null {
  if (passwordAllowed({ address: session.address, tls: session.tls, allowPlaintext: hub.ctx.allowPlaintextPasswords === true })) return null;
  return 'passwords are not accepted over an unencrypted connection: use the TLS port (ircs)';
}

/**
 * Check `name` and `password` against the accounts. Until the answer comes, the client's lines wait
 * (IrcHub.onData holds them), so a CAP END, NICK or OPER right behind sees the outcome; `done` runs
 * with the result unless the connection ended meanwhile, then the held lines are handled.
 */
export function verifyPassword(hub: IrcHub, session: IrcSession, name: string, password: string, done: (result: SignInResult) => void): void {
  const access = hub.ctx.access;
  if (access === undefined) {
    done({ ok: false, code: 'BAD_REQUEST', reason: 'this server has no accounts' });
    return;
  }
  session.verifying = true;
  access.accounts.verify(name, password, session.address).then(
    (account): SignInResult => ({ ok: true, account }),
    (err: unknown): SignInResult => {
      if (isNetroomError(err)) return { ok: false, code: err.code, reason: err.message };
      hub.log.error({ err, peer: session.peer }, 'irc sign-in failed');
      return { ok: false, code: 'INTERNAL', reason: 'internal error' };
    },
  ).then((result) => {
    session.verifying = false;
    if (session.closing) return;
    if (result.ok) hub.log.info({ account: result.account.name, peer: session.peer }, 'irc signed in');
    else hub.log.info({ name, code: result.code, peer: session.peer }, 'irc sign-in refused');
    try {
      done(result);
    } finally {
      hub.release(session);
    }
  }).catch((err: unknown) => hub.log.error({ err, peer: session.peer }, 'irc sign-in callback failed'));
}

/**
 * `PASS` before registration, tried when NICK and USER are in: `account:password`, or a bare password
 * for the account holding the nick (what irssi's `-password` and bouncers send). A bare password
 * when no account holds the nick is what PASS always was here: ignored. `then` continues registration.
 */
export function signInWithPass(hub: IrcHub, session: IrcSession, nick: string, then: () => void): void {
  const given = session.password ?? '';
  session.password = undefined;
  const colon = given.indexOf(':');
  let name = colon > 0 ? given.slice(0, colon) : nick;
  const password = colon > 0 ? given.slice(colon + 1) : given;
  if (colon <= 0) {
    const holder = hub.ctx.access?.accounts.find(nick);
    if (holder === undefined) {
      then();
      return;
    }
    name = holder.name;
  }
  const refusal = plaintextRefusal(hub, session);
  if (refusal !== null) {
    session.reply(ERR.PASSWDMISMATCH, `Password incorrect: ${refusal}`);
    hub.drop(session, refusal, 'disconnect');
    return;
  }
  verifyPassword(hub, session, name, password, (result) => {
    if (!result.ok) {
      session.reply(ERR.PASSWDMISMATCH, `Password incorrect: ${result.reason}`);
      hub.drop(session, result.code === 'RATE_LIMITED' ? result.reason : 'Bad password', 'disconnect');
      return;
    }
    session.account = { name: result.account.name, role: result.account.role };
    then();
  });
}
