// AUTHENTICATE: IRCv3 SASL (sasl-3.1/3.2) with the PLAIN mechanism (RFC 4616), before registration: 900/903, or 904-908.
import { foldName } from '../../../core/names.js';
import type { IrcHub } from '../hub.js';
import { hostOf } from '../lines.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { plaintextRefusal, verifyPassword } from '../sign-in.js';
import { command } from './types.js';

/** The mechanisms offered (CAP LS 302 `sasl=PLAIN`, 908 RPL_SASLMECHS). */
export const SASL_MECHANISMS = ['PLAIN'] as const;
/** Longest AUTHENTICATE argument (IRCv3 sasl-3.1: the response goes in 400-byte chunks). */
const CHUNK_BYTES = 400;
/**
 * Longest response, base64: a name (64 characters) and a password (1024) of up to four UTF-8 bytes
 * each, twice the name for authzid, with room to spare; more is a client wasting our memory.
 */
const MAX_RESPONSE_BYTES = 8 * 1024;

/** RFC 4616 2: `[authzid] NUL authcid NUL passwd`, base64 (RFC 4648 4, with padding); a reason when it is not that. */
export function decodePlain(data: string): { authzid: string; authcid: string; password: string } | string {
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/u.test(data)) return 'the response is not base64';
  const bytes = Buffer.from(data, 'base64');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return 'the response is not UTF-8';
  const parts = text.split('\0');
  if (parts.length !== 3) return 'a PLAIN response is authzid NUL authcid NUL password';
  const [authzid = '', authcid = '', password = ''] = parts;
  if (authcid === '' || password === '') return 'a PLAIN response needs a name and a password';
  return { authzid, authcid, password };
}

/** 904 with the reason after the usual text (clients show it). */
function fail(session: IrcSession, reason: string): void {
  session.sasl = null;
  session.reply(ERR.SASLFAIL, `SASL authentication failed: ${reason}`);
}

/** The response is complete: decode it and check the password (the client's next lines wait). */
function finish(hub: IrcHub, session: IrcSession, data: string): void {
  session.sasl = null;
  const plain = decodePlain(data);
  if (typeof plain === 'string') {
    fail(session, plain);
    return;
  }
  // Acting as another account than one's own (authzid) is not something netroom grants.
  if (plain.authzid !== '' && foldName(plain.authzid.normalize('NFC')) !== foldName(plain.authcid.normalize('NFC'))) {
    fail(session, 'signing in on behalf of another account is not supported (leave authzid empty)');
    return;
  }
  const refusal = plaintextRefusal(hub, session);
  if (refusal !== null) {
    fail(session, refusal);
    return;
  }
  verifyPassword(hub, session, plain.authcid, plain.password, (result) => {
    if (!result.ok) {
      session.reply(ERR.SASLFAIL, result.code === 'RATE_LIMITED' ? `SASL authentication failed: ${result.reason}` : 'SASL authentication failed');
      return;
    }
    if (session.member !== undefined || session.account !== undefined) {
      // Registered or signed in while the check ran (cannot happen: lines wait); refuse, never switch.
      session.reply(ERR.SASLALREADY, 'You have already authenticated using SASL');
      return;
    }
    const { name, role } = result.account;
    session.account = { name, role };
    const mask = `${session.nick ?? '*'}!${session.user || '*'}@${hostOf('irc')}`;
    session.reply(RPL.LOGGEDIN, mask, name, `You are now logged in as ${name}`);
    session.reply(RPL.SASLSUCCESS, 'SASL authentication successful');
  });
}

export const AUTHENTICATE = command(
  (hub, session, message) => {
    const arg = message.params[0] ?? '';
    if (hub.ctx.access === undefined || !session.caps.has('sasl')) {
      session.reply(ERR.SASLFAIL, 'SASL authentication failed: request the sasl capability first');
      return;
    }
    if (session.account !== undefined) {
      session.reply(ERR.SASLALREADY, 'You have already authenticated using SASL');
      return;
    }
    if (session.member !== undefined) {
      // A member's account is fixed when it connects (the chat knows it by it): sign in before
      // registering. irctest reads 462 as "SASL after registration is not supported".
      session.reply(ERR.ALREADYREGISTERED, 'You may not reregister: sign in with SASL before registration');
      return;
    }
    if (arg === '*') {
      session.sasl = null;
      session.reply(ERR.SASLABORTED, 'SASL authentication aborted');
      return;
    }
    const exchange = session.sasl;
    if (exchange === null) {
      const mechanism = arg.toUpperCase();
      if (mechanism !== 'PLAIN') {
        session.reply(RPL.SASLMECHS, SASL_MECHANISMS.join(','), 'are available SASL mechanisms');
        fail(session, `the mechanism ${arg.slice(0, 20)} is not offered`);
        return;
      }
      session.sasl = { mechanism, data: '' };
      session.send('AUTHENTICATE +');
      return;
    }
    if (Buffer.byteLength(arg) > CHUNK_BYTES) {
      session.sasl = null;
      session.reply(ERR.SASLTOOLONG, 'SASL message too long');
      return;
    }
    // `+` ends a response whose last chunk was exactly 400 bytes (or an empty one).
    if (arg !== '+') exchange.data += arg;
    if (exchange.data.length > MAX_RESPONSE_BYTES) {
      fail(session, 'the response is too long');
      return;
    }
    if (arg === '+' || arg.length < CHUNK_BYTES) finish(hub, session, exchange.data);
  },
  { minParams: 1, beforeRegistration: true },
);
