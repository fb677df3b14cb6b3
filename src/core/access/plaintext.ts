// When a password may cross a connection: TLS, loopback, or --allow-plaintext-passwords (pure, no sockets; every door asks).
import { addressMatches } from './addresses.js';

/** Prefixes that never leave this machine: 127.0.0.0/8 and ::1 (IPv4 loopback mapped into IPv6 too). */
const LOOPBACK = ['127.0.0.0/8', '::1'] as const;

/** True for a loopback client address (`127.x.y.z`, `::1`, `::ffff:127.x.y.z`); anything unparsable is not. */
export function isLoopback(address: string): boolean {
  return LOOPBACK.some((prefix) => addressMatches(prefix, address));
}

/** What decides whether a clear-text password is accepted on one control connection. */
export interface PlaintextCase {
  /** The client's address as the socket reports it. */
  readonly address: string;
  /** The control connection is TLS (AUTH TLS done). */
  readonly tls: boolean;
  /** `--allow-plaintext-passwords`. */
  readonly allowPlaintext: boolean;
}

/**
 * May an account's password be sent here? Over TLS, always; in clear only from loopback (nobody
 * else can read it) or when the administrator accepted the risk with --allow-plaintext-passwords.
 * Anonymous logins carry no secret and are never asked.
 */
export function passwordAllowed(c: PlaintextCase): boolean {
  return c.tls || c.allowPlaintext || isLoopback(c.address);
}
