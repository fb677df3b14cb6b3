// AUTH (RFC 2228 3, RFC 4217 4): TLS on the control connection, when the server has a certificate.
import type { CommandHandler } from './types.js';

/** Mechanisms that mean TLS on the control connection: TLS-C is RFC 4217's long name, SSL the old drafts'. */
const TLS_MECHANISMS: ReadonlySet<string> = new Set(['TLS', 'TLS-C', 'SSL']);

export const auth: CommandHandler = {
  beforeLogin: true,
  arg: 'required',
  help: 'AUTH TLS',
  run(s, arg) {
    const source = s.options.tls;
    if (source === null) return s.reply(502, 'AUTH not available: this server has no TLS certificate');
    if (s.tlsContext !== null) return s.reply(503, 'The control connection is already secured');
    const mechanism = arg.trim().toUpperCase();
    // RFC 4217 8 names the mechanisms; 504 for one the server does not understand.
    if (!TLS_MECHANISMS.has(mechanism)) return s.reply(504, `AUTH ${mechanism.slice(0, 20)} not supported: use AUTH TLS`);
    // The context is fixed at this point: a reload later does not change what this connection and its data channels use.
    const context = source.current();
    s.reply(234, `AUTH ${mechanism} ok: start the TLS handshake`);
    s.startTls(context);
  },
};
